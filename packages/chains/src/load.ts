import { existsSync, readFileSync } from 'node:fs'
import { dirname, extname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { config as loadDotenv } from 'dotenv'
import { createJiti } from 'jiti'
import { type Config, ConfigError, type ConfigInput, defineConfig, literalPrivateKeysOf } from './config.js'
import { withSecretBaseDir } from './secrets.js'

const MODULE_EXTENSIONS = new Set(['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs'])

/**
 * Loads a node's configuration file:
 * - `unimargin.config.ts` (or `.mts`, `.js`, `.mjs`) whose default export is `defineConfig({ … })` (typed as you write
 *   it) or the plain object, loaded with jiti; `@unimargin/chains` imported by the file resolves to this package
 *   wherever the file lives;
 * - or JSON.
 * First, `.env` beside the file is loaded into `process.env` (dotenv; variables already set win), so secrets named
 * `{ $env: … }` can live there or in the environment. A private key written in the file as a literal is refused
 * unless the file is a local devnet's (`devnet: true`): keys come from the environment or a keystore
 * (`secrets.ts`).
 * @throws {ConfigError} naming the file: not found, a module that fails to load or has no default export, any
 *   invalid field (paths by chain and asset name), a secret that cannot be resolved, a literal key
 * @throws {SyntaxError} naming the file when a JSON file does not parse
 */
export async function loadConfigFile(file: string): Promise<Config> {
  const config = await loadFileWith(file, defineConfigOf)
  const literal = literalPrivateKeysOf(config) ?? []
  if (literal.length > 0 && !config.devnet)
    throw new ConfigError(
      literal.map((p) => ({
        path: p,
        message:
          'a private key written in the file is refused outside a local devnet ("devnet": true); name it instead: { "$env": "VARIABLE" } (environment or .env) or { "$keystore": "file.json", "passphraseEnv": "VARIABLE" }',
      })),
      file,
    )
  return config
}

/**
 * Reads `file` as {@link loadConfigFile} does (`.env` beside it loaded first; a TypeScript/JavaScript module's default
 * export loaded with jiti, or JSON) and hands the input to `define`, with keystore paths resolved against the file's
 * folder. Used for the node's configuration and for other files of the same kind (a deployment spec).
 * @throws {ConfigError} naming the file when it is missing or its module fails to load; {SyntaxError} for bad JSON;
 *   whatever `define` throws.
 */
export async function loadFileWith<T>(file: string, define: (input: unknown, file: string) => T): Promise<T> {
  const path = resolve(file)
  if (!existsSync(path)) throw new ConfigError([{ path: '(file)', message: `no such file ${path}` }], file)
  const dotenv = join(dirname(path), '.env')
  if (existsSync(dotenv)) loadDotenv({ path: dotenv, quiet: true })
  return withSecretBaseDir(dirname(path), async () => define(await readInput(path, file), file))
}

async function readInput(path: string, file: string): Promise<unknown> {
  if (MODULE_EXTENSIONS.has(extname(path))) {
    const jiti = createJiti(import.meta.url, { moduleCache: false, alias: { '@unimargin/chains': fileURLToPath(new URL('./index.ts', import.meta.url)) } })
    let exported: unknown
    try {
      exported = await jiti.import(path, { default: true })
    } catch (error) {
      if (error instanceof ConfigError) throw new ConfigError(error.issues, file)
      throw new ConfigError([{ path: '(file)', message: `cannot be loaded: ${(error as Error).message.split('\n')[0]}` }], file)
    }
    if (exported === undefined || exported === null || typeof exported !== 'object')
      throw new ConfigError([{ path: '(file)', message: 'has no default export (export default defineConfig({ … }))' }], file)
    return exported
  }
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as unknown
  } catch (error) {
    throw new SyntaxError(`Configuration file ${file} is not valid JSON: ${(error as Error).message}`)
  }
}

/** A module's export validated already (`defineConfig` in the file) is taken as it is; a plain object is validated. */
function defineConfigOf(input: unknown, file: string): Config {
  return literalPrivateKeysOf(input) ? (input as Config) : defineConfig(input as ConfigInput, file)
}
