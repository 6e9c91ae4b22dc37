import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { AnvilNotFoundError } from '../errors.js'

const require = createRequire(import.meta.url)

/**
 * Path of the anvil binary shipped by `@foundry-rs/anvil` in its platform package (linux-amd64, darwin-arm64, …).
 * The wrapper's postinstall may not have run; the binary is present anyway.
 * @throws {AnvilNotFoundError} if no platform package for this machine is installed.
 */
export function anvilBinary(): string {
  const platform = `@foundry-rs/anvil-${process.platform === 'win32' ? 'win32' : process.platform}-${process.arch === 'x64' ? 'amd64' : process.arch}`
  let pkgJson: string
  try {
    const wrapper = require.resolve('@foundry-rs/anvil/package.json')
    pkgJson = require.resolve(`${platform}/package.json`, { paths: [dirname(wrapper)] })
  } catch (cause) {
    throw new AnvilNotFoundError(`anvil binary package ${platform} is not installed (dependency of @foundry-rs/anvil).`, { platform }, { cause })
  }
  const bin = join(dirname(pkgJson), 'bin', process.platform === 'win32' ? 'anvil.exe' : 'anvil')
  if (!existsSync(bin)) throw new AnvilNotFoundError(`anvil binary missing at ${bin}.`, { bin })
  return bin
}
