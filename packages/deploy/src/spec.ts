import { addressSchema, configPath, privateKeySchema, secretOr } from '@unimargin/chains'
import { z } from 'zod'
import { DeploymentSpecError } from './errors.js'

const address = addressSchema
const privateKey = privateKeySchema
const uint = (max: number) => z.number().int().min(0).max(max)
const baseUnits = z
  .union([z.bigint(), z.string().regex(/^\d+$/, 'must be a non-negative integer in decimal'), z.number().int().min(0)])
  .transform((v) => BigInt(v))
/** addresses sorted ascending and distinct, as ULN302 requires of DVN lists */
const dvnList = z
  .array(address)
  .transform((list) => [...list].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1)))
  .refine((list) => new Set(list).size === list.length, { message: 'lists a DVN twice' })

/** ULN302 configuration of a path: the DVNs that must (and may) verify a packet and the block confirmations they wait. */
export const ulnSchema = z
  .strictObject({
    /** source-chain blocks a DVN waits before verifying a packet */
    confirmations: uint(2 ** 32),
    /** DVNs that must all verify (sorted on load) */
    requiredDVNs: dvnList,
    /** DVNs of which `optionalDVNThreshold` must verify */
    optionalDVNs: dvnList.default([]),
    optionalDVNThreshold: uint(255).default(0),
  })
  .superRefine((uln, ctx) => {
    if (uln.requiredDVNs.length === 0 && uln.optionalDVNThreshold === 0)
      ctx.addIssue({ code: 'custom', path: ['requiredDVNs'], message: 'needs at least one DVN (required, or optional with a threshold)' })
    if (uln.optionalDVNs.length > 0 && uln.optionalDVNThreshold === 0)
      ctx.addIssue({ code: 'custom', path: ['optionalDVNThreshold'], message: 'must be at least 1 when optional DVNs are listed' })
    if (uln.optionalDVNThreshold > uln.optionalDVNs.length)
      ctx.addIssue({ code: 'custom', path: ['optionalDVNThreshold'], message: `exceeds the ${uln.optionalDVNs.length} optional DVNs` })
  })

/** The LayerZero v2 contracts already on a chain and how the hub and vault there should use them. */
export const layerZeroWiringSchema = z.strictObject({
  /** this chain's LayerZero endpoint id */
  eid: uint(4_294_967_295).refine((v) => v > 0, 'must be above 0'),
  /** EndpointV2 */
  endpoint: address,
  /** send library the hub uses towards every vault (SendUln302), set explicitly on the endpoint */
  sendLibrary: address,
  /** receive library the vault uses for the hub's packets (ReceiveUln302), set explicitly on the endpoint */
  receiveLibrary: address,
  /** ULN config of both the hub's sends from this chain and the vault's receipt on it */
  uln: ulnSchema,
  /** executor the hub's send library pays on this chain, and the largest message it carries (bytes) */
  executor: z.strictObject({ address, maxMessageSize: uint(4_294_967_295).refine((v) => v > 0, 'must be above 0').default(10_000) }),
})

/** A collateral asset the vault lists, with its two-transport threshold. */
export const vaultAssetSchema = z.strictObject({
  symbol: z.string().min(1),
  /** the ERC-20 */
  address,
  /** base units from which an ApproveWithdrawal or Seize needs both transports; 0 = off (default) */
  dualTransportThreshold: baseUnits.default(0n),
})

/** The MarginVault of one chain: constructor parameters and the owner's settings. */
export const vaultSpecSchema = z.strictObject({
  /** constructor: seconds without a hub command after which anyone may activate escape mode */
  escapeDelaySeconds: z.number().int().positive(),
  /** owner and LayerZero delegate once wired (a TimelockController or multisig); default the deployer */
  owner: address.optional(),
  /** the key that may pause the vault; unset = leave as it is */
  guardian: address.optional(),
  /** seconds after which an unanswered request may be cancelled, 3600..604800 (default 86 400) */
  requestTimeoutSeconds: z.number().int().min(3600).max(604_800).default(86_400),
  /** listed collateral */
  assets: z.array(vaultAssetSchema).min(1),
})

/** One chain of the network: where it is, what it already has, and its vault. */
export const deployChainSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1-64 letters, digits, dots, dashes or underscores'),
  /** EVM chain id; checked against `eth_chainId` before anything is sent */
  chainId: z.number().int().positive(),
  rpcUrl: secretOr(z.string().url()),
  /** the chain's Wormhole core bridge and Wormhole chain id */
  wormhole: z.strictObject({ core: address, chainId: uint(65_535).refine((v) => v > 0, 'must be above 0') }),
  layerzero: layerZeroWiringSchema,
  vault: vaultSpecSchema,
})

/** MarginHub: on which chain, its constructor parameters and its final owner. */
export const hubSpecSchema = z.strictObject({
  /** name of the chain in `chains` hosting MarginHub */
  chain: z.string().min(1),
  consistencyLevel: uint(255).default(1),
  /** keys allowed to publish (the relayer's) */
  publishers: z.array(address).min(1),
  coSigners: z
    .strictObject({ signers: z.array(address).min(1), threshold: z.number().int().min(1).max(255), delaySeconds: z.number().int().min(0) })
    .refine((c) => c.threshold <= c.signers.length, { message: 'threshold exceeds the number of co-signers', path: ['threshold'] }),
  /** owner and LayerZero delegate once wired; default the deployer */
  owner: address.optional(),
})

/**
 * What `unimargin deploy` deploys and `unimargin wire` wires on a network whose chains already have the Wormhole core
 * and LayerZero's EndpointV2 with its libraries.
 */
export const deploymentSchema = z
  .strictObject({
    /** names the state file, `deployments/<network>.json` */
    network: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be lower-case letters, digits and dashes'),
    /** a local devnet whose keys are public: only then may the file hold the deployer key as a literal */
    devnet: z.boolean().default(false),
    /** the key that sends every deployment and wiring transaction */
    deployer: z.strictObject({ privateKey }),
    hub: hubSpecSchema,
    chains: z.array(deployChainSchema).min(1),
  })
  .superRefine((spec, ctx) => {
    const seen = { name: new Set<string>(), chainId: new Set<number>(), eid: new Set<number>() }
    for (const [i, c] of spec.chains.entries()) {
      if (seen.name.has(c.name)) ctx.addIssue({ code: 'custom', path: ['chains', i, 'name'], message: `duplicate chain name ${c.name}` })
      if (seen.chainId.has(c.chainId)) ctx.addIssue({ code: 'custom', path: ['chains', i, 'chainId'], message: `duplicate chain id ${c.chainId}` })
      if (seen.eid.has(c.layerzero.eid)) ctx.addIssue({ code: 'custom', path: ['chains', i, 'layerzero', 'eid'], message: `duplicate LayerZero eid ${c.layerzero.eid}` })
      seen.name.add(c.name)
      seen.chainId.add(c.chainId)
      seen.eid.add(c.layerzero.eid)
      const symbols = new Set<string>()
      for (const [j, a] of c.vault.assets.entries()) {
        if (symbols.has(a.symbol)) ctx.addIssue({ code: 'custom', path: ['chains', i, 'vault', 'assets', j, 'symbol'], message: `duplicate asset ${a.symbol}` })
        symbols.add(a.symbol)
      }
    }
    if (!seen.name.has(spec.hub.chain)) ctx.addIssue({ code: 'custom', path: ['hub', 'chain'], message: `no chain named ${spec.hub.chain} in chains` })
  })

export type DeploymentSpecInput = z.input<typeof deploymentSchema>
export type DeploymentSpec = z.output<typeof deploymentSchema>
export type DeployChainSpec = DeploymentSpec['chains'][number]
export type UlnConfig = z.output<typeof ulnSchema>

/**
 * Validates a deployment spec (addresses checksummed, DVN lists sorted, defaults applied, secrets resolved). Unknown
 * keys are errors. A deployer key written as a literal is refused unless `devnet: true`.
 * @param source the file the spec was read from, named in the error
 * @throws {DeploymentSpecError} listing every invalid field by path.
 */
export function defineDeployment(input: DeploymentSpecInput, source?: string): DeploymentSpec {
  const result = deploymentSchema.safeParse(input)
  const issues = result.success
    ? []
    : result.error.issues.map((i) => ({
        path: configPath(i.path, input),
        message: i.code === 'unrecognized_keys' ? `unknown key${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => `'${k}'`).join(', ')}` : i.message,
      }))
  const raw = input as { devnet?: unknown; deployer?: { privateKey?: unknown } } | undefined
  if (typeof raw?.deployer?.privateKey === 'string' && raw.devnet !== true)
    issues.push({
      path: 'deployer.privateKey',
      message: 'a private key written in the file is refused outside a local devnet ("devnet": true); name it: { "$env": "VARIABLE" } or { "$keystore": "file.json", "passphraseEnv": "VARIABLE" }',
    })
  if (issues.length > 0 || !result.success) throw new DeploymentSpecError(issues, source)
  return result.data
}
