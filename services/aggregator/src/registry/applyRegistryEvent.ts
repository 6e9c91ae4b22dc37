import { type Config, REGISTRY_TRANSPORTS, VAULT_STATUSES } from '@unimargin/chains'
import { eq, registeredVaults } from '@unimargin/db'
import { type Address, getAddress, isAddress } from 'viem'
import { z } from 'zod'
import type { Context } from '../common/context.js'
import { InvalidEventError } from '../common/errors.js'
import type { ChainEventRow } from '../events/applyEvent.js'

const chainId = z
  .union([z.string().regex(/^\d+$/), z.number().int().nonnegative()])
  .transform((v) => Number(v))
  .refine((v) => Number.isSafeInteger(v) && v > 0, 'must be a positive chain id')
const small = z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative()]).transform((v) => Number(v))
const address = z
  .string()
  .refine((v) => isAddress(v, { strict: false }), 'must be an address')
  .transform((v) => getAddress(v) as Address)
const bps = small.refine((v) => v <= 10_000, 'must be at most 10 000 bps')
const asset = z.object({
  token: address,
  feed: address,
  symbol: z.string().min(1),
  decimals: small,
  feedDecimals: small,
  haircutBps: bps,
  mmHaircutBps: bps,
  imHaircutBps: bps,
  routeBreakLossBps: bps,
})
/** the watcher stores a struct array as its JSON text */
const assets = z.preprocess((v) => (typeof v === 'string' ? JSON.parse(v) : v), z.array(asset).min(1))

const registryEventArgs = {
  VaultRegistered: z.object({
    chainId,
    vault: address,
    deploymentBlock: z.union([z.string().regex(/^\d+$/), z.number().int().nonnegative()]).transform((v) => BigInt(v)),
    confirmations: small,
    transport: small.refine((v) => v < REGISTRY_TRANSPORTS.length, 'must be 0 (Wormhole) or 1 (LayerZero)'),
    assets,
    registrar: address,
  }),
  VaultStatusChanged: z.object({
    chainId,
    vault: address,
    from: small,
    to: small.refine((v) => v < VAULT_STATUSES.length, 'must be a VaultRegistry status'),
  }),
} as const

/** Whether `event` is a log of the configured VaultRegistry on the hub chain. */
export function isRegistryEvent(config: Config, event: Pick<ChainEventRow, 'chainId' | 'address'>): boolean {
  return config.registry !== undefined && event.chainId === config.hub.chainId && event.address.toLowerCase() === config.registry.address.toLowerCase()
}

function parse<N extends keyof typeof registryEventArgs>(name: N, args: unknown): z.output<(typeof registryEventArgs)[N]> {
  const result = registryEventArgs[name].safeParse(args)
  if (!result.success)
    throw new InvalidEventError(`${name} arguments are malformed: ${result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`, { args })
  return result.data as z.output<(typeof registryEventArgs)[N]>
}

/**
 * Applies a confirmed VaultRegistry event to `registered_vaults` in the caller's transaction: `VaultRegistered`
 * inserts the vault as `active` (a second registration of a chain is kept as first recorded: the contract refuses it),
 * `VaultStatusChanged` moves its status (only forward: a status at or behind the recorded one changes nothing).
 * Other events of the registry (ownership) are ignored.
 * @returns whether the event changed the table.
 * @throws {InvalidEventError} when the event's arguments are malformed.
 */
export async function applyRegistryEvent(ctx: Context, event: ChainEventRow): Promise<boolean> {
  const { tx, logger } = ctx
  if (event.eventName === 'VaultRegistered') {
    const a = parse('VaultRegistered', event.args)
    const inserted = await tx
      .insert(registeredVaults)
      .values({
        chainId: a.chainId,
        vault: a.vault,
        deploymentBlock: a.deploymentBlock,
        confirmations: a.confirmations,
        transport: REGISTRY_TRANSPORTS[a.transport]!,
        status: 'active',
        assets: a.assets,
        registeredBlock: event.blockNumber,
        statusBlock: event.blockNumber,
        registrar: a.registrar,
        updatedAt: ctx.now(),
      })
      .onConflictDoNothing()
      .returning({ chainId: registeredVaults.chainId })
    logger.info({ chain_id: a.chainId, vault: a.vault, deployment_block: a.deploymentBlock.toString(), assets: a.assets.map((x) => x.symbol) }, 'Recorded a registered vault')
    return inserted.length > 0
  }
  if (event.eventName === 'VaultStatusChanged') {
    const a = parse('VaultStatusChanged', event.args)
    const [row] = await tx.select().from(registeredVaults).where(eq(registeredVaults.chainId, a.chainId))
    const status = VAULT_STATUSES[a.to]!
    if (!row) {
      logger.warn({ chain_id: a.chainId, vault: a.vault, status }, 'Saw a status change of a vault not recorded as registered')
      return false
    }
    if (VAULT_STATUSES.indexOf(row.status as (typeof VAULT_STATUSES)[number]) >= a.to) return false
    await tx.update(registeredVaults).set({ status, statusBlock: event.blockNumber, updatedAt: ctx.now() }).where(eq(registeredVaults.chainId, a.chainId))
    logger.info({ chain_id: a.chainId, vault: a.vault, status }, 'Registered vault changed status')
    return true
  }
  return false
}
