import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { decryptKeystoreJsonSync } from 'ethers'
import { z } from 'zod'

/**
 * A secret the configuration names instead of holding: an environment variable (`.env` beside the configuration
 * file is loaded by {@link loadConfigFile}), or an Ethereum keystore file (Web3 Secret Storage v3, scrypt or
 * pbkdf2, as geth, cast and ethers write it) whose passphrase is in an environment variable.
 * In JSON: `{ "$env": "RELAYER_KEY" }`, `{ "$keystore": "keys/relayer.json", "passphraseEnv": "RELAYER_PASSPHRASE" }`.
 */
export type SecretRef = { $env: string } | { $keystore: string; passphraseEnv: string }

/** `{ $env: name }`: the value of environment variable `name` at load time. */
export const env = (name: string): SecretRef => ({ $env: name })

/**
 * `{ $keystore: file, passphraseEnv }`: the private key in keystore `file` (relative to the configuration file's
 * directory when loaded by `loadConfigFile`, else to the working directory), decrypted with the passphrase in
 * environment variable `passphraseEnv`.
 */
export const keystore = (file: string, passphraseEnv: string): SecretRef => ({ $keystore: file, passphraseEnv })

// process-wide (a registered symbol), so the copy of this module a jiti-loaded configuration file imports sees it too
const BASE_DIR = Symbol.for('unimargin.config.secretBaseDir')
const secretBaseDir = () => (globalThis as Record<symbol, string | undefined>)[BASE_DIR]

/** Runs `load` with keystore paths resolved against `dir`. */
export async function withSecretBaseDir<T>(dir: string, load: () => Promise<T>): Promise<T> {
  const g = globalThis as Record<symbol, string | undefined>
  const previous = g[BASE_DIR]
  g[BASE_DIR] = dir
  try {
    return await load()
  } finally {
    g[BASE_DIR] = previous
  }
}

const envRef = z.strictObject({ $env: z.string().min(1) })
const keystoreRef = z.strictObject({ $keystore: z.string().min(1), passphraseEnv: z.string().min(1) })

/**
 * A configuration value that may be a secret reference: a literal string, or a {@link SecretRef} resolved from
 * `process.env` at validation time and then checked by `inner`. A variable that is not set, a keystore that cannot be
 * read or decrypted (a wrong passphrase) is a validation issue at the field's path, naming the variable or file,
 * never the secret.
 */
export function secretOr<T extends z.ZodType<unknown, string>>(inner: T) {
  return z
    .union([z.string(), envRef, keystoreRef])
    .transform((value, ctx) => {
      if (typeof value === 'string') return value
      if ('$env' in value) {
        const v = process.env[value.$env]
        if (v === undefined || v === '') {
          ctx.addIssue({ code: 'custom', message: `environment variable ${value.$env} is not set` })
          return z.NEVER
        }
        return v
      }
      const passphrase = process.env[value.passphraseEnv]
      if (passphrase === undefined) {
        ctx.addIssue({ code: 'custom', message: `environment variable ${value.passphraseEnv} (the passphrase of keystore ${value.$keystore}) is not set` })
        return z.NEVER
      }
      try {
        return decryptKeystoreJsonSync(readFileSync(resolve(secretBaseDir() ?? '.', value.$keystore), 'utf8'), passphrase).privateKey
      } catch (error) {
        const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message.includes('password') ? 'wrong passphrase' : (error as Error).message.split('\n')[0]
        ctx.addIssue({ code: 'custom', message: `keystore ${value.$keystore} cannot be decrypted: ${reason}` })
        return z.NEVER
      }
    })
    .pipe(inner)
}

/**
 * Paths of the private keys written in `input` as literal strings (`relayer.privateKey`, `coSigner.privateKey`,
 * `guardians.keys[i]`): what a configuration file outside a local devnet must not hold.
 */
export function literalPrivateKeyPaths(input: unknown): string[] {
  const root = (input ?? {}) as { relayer?: { privateKey?: unknown }; coSigner?: { privateKey?: unknown }; guardians?: { keys?: unknown } }
  const paths: string[] = []
  if (typeof root.relayer?.privateKey === 'string') paths.push('relayer.privateKey')
  if (typeof root.coSigner?.privateKey === 'string') paths.push('coSigner.privateKey')
  const guardianKeys: unknown[] = Array.isArray(root.guardians?.keys) ? root.guardians.keys : []
  for (const [i, k] of guardianKeys.entries()) if (typeof k === 'string') paths.push(`guardians.keys[${i}]`)
  return paths
}
