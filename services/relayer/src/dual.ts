import { getChain, type TransportName } from '@unimargin/chains'
import { MarginHub, MarginVault, WormholeCore } from '@unimargin/contracts'
import { commandTransitions, type Db, desc, eq } from '@unimargin/db'
import { decodeCommand } from '@unimargin/protocol'
import { type Address, type Hex, keccak256, parseEventLogs, type TransactionReceipt } from 'viem'
import { COSIGNED_MESSAGE_GAS, earlierPublishes, type RelayerContext, signaturesFor } from './context.js'
import type { ChainClients } from './send/chainClients.js'
import { PermanentDeliveryError, StepFailedError } from './errors.js'
import { COMMAND_PUBLISHED } from './events.js'
import { otherTransport } from './fallback.js'
import { type CommandRow, countAttempts, type Hop, type Move, transitionMany } from './outbox.js'
import { PUBLISH_BASE_GAS, PUBLISH_MESSAGE_GAS } from './wormhole/transport.js'

/** `MarginVault.Transport` by name. */
const VAULT_TRANSPORT: Record<TransportName, number> = { wormhole: 1, layerzero: 2 }
/** `MarginVault.WithdrawalStatus.Pending`. */
const PENDING = 1
/** How long a vault's threshold of an asset is reused before it is read again, ms. */
const THRESHOLD_TTL_MS = 60_000

/** Why a command moved to its second transport, in its `pending` transition's detail. */
export const HELD_REASON = 'held by the vault until the other transport delivers the same command'

/**
 * The vault of `destChainId` reads of whether a command needs both transports: the asset's `dualTransportThreshold`
 * (cached for a minute) and, for an approval, its request. Reading the vault rather than converting
 * `dualTransportAboveUsd` again at today's prices keeps the relayer's answer the vault's.
 */
export function createSizeCheck(ctx: RelayerContext) {
  const thresholds = new Map<string, { value: bigint; at: number }>()
  async function threshold(dest: ChainClients, vault: Address, asset: Address): Promise<bigint> {
    const key = `${dest.chain.chainId}|${asset.toLowerCase()}`
    const known = thresholds.get(key)
    if (known && Date.now() - known.at < THRESHOLD_TTL_MS) return known.value
    const value = await dest.public.readContract({ address: vault, abi: MarginVault.abi, functionName: 'dualTransportThreshold', args: [asset] })
    thresholds.set(key, { value, at: Date.now() })
    return value
  }
  /**
   * Whether `command` moves at least its asset's threshold on its vault, as the vault will judge at its first
   * arrival: an ApproveWithdrawal by its pending request's amount, a Seize by its amount; other kinds never.
   * @throws Error (a viem error) when the vault cannot be read.
   */
  return async function needsBothTransports(command: CommandRow): Promise<boolean> {
    if (command.kind !== 'ApproveWithdrawal' && command.kind !== 'Seize') return false
    const c = decodeCommand(command.payload as Hex)
    const dest = getChain(ctx.config, command.destChainId)
    const clients = ctx.clientsOf(dest.chainId)
    if (c.kind === 'Seize') {
      const t = await threshold(clients, dest.vault, c.asset)
      return t !== 0n && c.amount >= t
    }
    if (c.kind !== 'ApproveWithdrawal') return false
    const r = await clients.public.readContract({ address: dest.vault, abi: MarginVault.abi, functionName: 'withdrawalRequest', args: [c.requestId] })
    if (r.status !== PENDING || r.account.toLowerCase() !== c.account.toLowerCase()) return false
    const t = await threshold(clients, dest.vault, r.asset)
    return t !== 0n && r.amount >= t
  }
}

/**
 * Starts carrying `list` (pending, never published commands that need both transports, whose route has both) over
 * both transports at once: one `MarginHub.publishBatch` publishes each as a Wormhole message, and each command is
 * recorded `pending` → `pending` with detail `{ dual: { first: 'layerzero', companion: { transport: 'wormhole', tx,
 * block, sequence } } }`: it then travels over LayerZero, and when the vault holds that delivery its Wormhole
 * message, final by then, goes straight to attestation and delivery (see {@link heldMove}). LayerZero goes first
 * because its packets execute in nonce order per path: a packet published and left waiting would hold every later
 * command of its path, a Wormhole message holds nothing. The attempt is counted before the publish is sent, and a
 * command with attempts behind it first looks for a companion an attempt cut short published without recording it
 * (`CommandPublished` on the hub), which is recorded instead of publishing a second one.
 * @returns the ids recorded (their claims are released; they continue at the next poll).
 * @throws Error (a viem error) when the publish fails; nothing is recorded then.
 */
export async function publishCompanions(ctx: RelayerContext, all: CommandRow[]): Promise<Set<string>> {
  const signatures = await signaturesFor(ctx, all)
  // MarginHub publishes nothing without its threshold of co-signatures
  const list = all.filter((c) => signatures.has(c.id))
  if (list.length === 0) return new Set()
  const { hub, config, hubChain } = ctx
  // an attempt cut short (the process killed after sending, before recording) may have published the companion
  const earlier = await earlierPublishes(
    ctx,
    'CommandPublished',
    list.filter((c) => c.attempts > 0),
  )
  const fresh = list.filter((c) => !earlier.has(c.id.toLowerCase()))
  const receipts: TransactionReceipt[] = []
  if (fresh.length > 0) {
    await countAttempts(ctx.db, fresh.map((c) => c.id))
    const fee = await hub.public.readContract({ address: hubChain.wormhole, abi: WormholeCore.abi, functionName: 'messageFee' })
    const sent = await hub.sendContract({
      address: config.hub.address,
      abi: MarginHub.abi,
      functionName: 'publishBatch',
      args: [fresh.map((c) => c.payload as Hex), fresh.map((c) => signatures.get(c.id)!)],
      value: fee * BigInt(fresh.length),
      gas: PUBLISH_BASE_GAS + (PUBLISH_MESSAGE_GAS + COSIGNED_MESSAGE_GAS) * BigInt(fresh.length),
    })
    const receipt = await hub.public.waitForTransactionReceipt({ hash: sent })
    if (receipt.status !== 'success') throw new StepFailedError(`Publish transaction ${receipt.transactionHash} reverted.`)
    receipts.push(receipt)
  }
  for (const tx of new Set(earlier.values())) receipts.push(await hub.public.waitForTransactionReceipt({ hash: tx }))
  const companions = new Map<string, { transport: 'wormhole'; tx: Hex; block: string; sequence: string }>()
  for (const receipt of receipts)
    for (const l of parseEventLogs({ abi: COMMAND_PUBLISHED, logs: receipt.logs, eventName: 'CommandPublished' }))
      companions.set(l.args.commandId.toLowerCase(), { transport: 'wormhole', tx: receipt.transactionHash, block: receipt.blockNumber.toString(), sequence: l.args.sequence.toString() })
  const moves: Move[] = list.flatMap((command) => {
    const companion = companions.get(command.id.toLowerCase())
    if (!companion) return []
    return [{ command, hops: [{ to: 'pending' as const, detail: { dual: { first: 'layerzero', companion } } }] }]
  })
  return transitionMany(ctx.db, moves)
}

/** The message published for `commandId` over `transport` when it was planned over both (see {@link publishCompanions}). */
async function companionOf(db: Db, commandId: Hex, transport: TransportName): Promise<{ tx: Hex; block: string; sequence: string } | undefined> {
  const rows = await db.select({ detail: commandTransitions.detail }).from(commandTransitions).where(eq(commandTransitions.commandId, commandId)).orderBy(desc(commandTransitions.id))
  for (const { detail } of rows) {
    const companion = (detail.dual as { companion?: { transport: string; tx: Hex; block: string; sequence: string } } | undefined)?.companion
    if (companion?.transport === transport) return companion
  }
  return undefined
}

/**
 * The move of a command whose delivery over `from` the vault held (`CommandAwaitingSecondTransport`: it moves at
 * least the asset's `dualTransportThreshold`, so it executes only once both transports delivered it): `delivered`
 * with `held: true` (not executed), then back to `pending` on the other transport with the same command id and
 * payload, recorded like a fallback (`{ fallback: to, from, reason, held }`) so the command keeps that transport and
 * never falls back again; and `published` at once when its message over that transport was sent from the start
 * (the companion of {@link publishCompanions}). The row becomes `executed` only when the second delivery's
 * `CommandExecuted` is seen.
 * @param before hops recorded ahead of the delivery (its attestation)
 * @param tx the transaction in which the vault held the delivery; undefined when it was found held afterwards (an
 * earlier attempt's delivery whose receipt was not read)
 * @throws {PermanentDeliveryError} when the route has no other transport configured (the vault can never execute it).
 */
export async function heldMove(ctx: Pick<RelayerContext, 'db' | 'config'>, command: CommandRow, from: TransportName, tx: Hex | undefined, before: Hop[] = []): Promise<Move> {
  const to = otherTransport(ctx.config, from, command.destChainId)
  if (!to) throw new PermanentDeliveryError(`the vault holds the command for a second transport, and chain ${command.destChainId} has no other transport configured`)
  const held = { transport: from, tx: tx ?? null, payload_hash: keccak256(command.payload as Hex) }
  const hops: Hop[] = [
    ...before,
    { to: 'delivered', detail: { transport: from, tx: tx ?? null, chain_id: command.destChainId, held: true } },
    { to: 'pending', detail: { fallback: to, from, reason: HELD_REASON, held } },
  ]
  const cleared = { publishTx: null, sequence: null, vaa: null, deliverTx: null, attempts: 0, lastError: null, nextAttemptAt: new Date() }
  const companion = to === 'wormhole' ? await companionOf(ctx.db, command.id, to) : undefined
  if (!companion) return { command, hops, set: cleared }
  hops.push({ to: 'published', detail: { transport: to, tx: companion.tx, block: companion.block, sequence: companion.sequence, companion: true } })
  return { command, hops, set: { ...cleared, publishTx: companion.tx, sequence: BigInt(companion.sequence) } }
}

/** The error of a command the vault froze: its two copies differed, so no copy of its id will ever execute. */
export function frozenError(commandId: string): PermanentDeliveryError {
  return new PermanentDeliveryError(`the vault froze command ${commandId}: its copies over the two transports carried different payloads`)
}

/**
 * Whether the vault on `dest` holds `commandId` after an arrival over `transport` (read from `heldCommand`), for a
 * delivery found consumed whose receipt was not read. Throws {@link frozenError} when the id is frozen.
 */
export async function isHeldAfter(dest: ChainClients, vault: Hex, commandId: Hex, transport: TransportName): Promise<boolean> {
  const held = await dest.public.readContract({ address: vault, abi: MarginVault.abi, functionName: 'heldCommand', args: [commandId] })
  if (held.frozen) throw frozenError(commandId)
  return held.transport === VAULT_TRANSPORT[transport]
}
