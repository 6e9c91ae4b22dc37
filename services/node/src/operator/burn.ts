import { type Config, createChainPublicClient, createChainWalletClient, getChain, getLayerZero } from '@unimargin/chains'
import { LzEndpointV2, MarginHub, TimelockController } from '@unimargin/contracts'
import { and, asc, commands, commandTransitions, type Db, desc, eq, normalizeHex, recordDeadCommandAction } from '@unimargin/db'
import { type DecodedPacket, decodePacket } from '@unimargin/protocol'
import { type Address, encodeFunctionData, type Hex, parseEventLogs, toHex, zeroHash } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { NotDeadLetteredError } from './commands.js'
import { UnimarginError } from '@unimargin/errors'

/** Thrown when a command's LayerZero packets cannot be burnt: none recorded, none still verified, or a wrong key. */
export class CannotBurnError extends UnimarginError {
  override name = 'CannotBurnError'
}

/** What happened to one LayerZero packet of the command. */
export type BurntPacket = {
  nonce: bigint
  guid: Hex
  payloadHash: Hex
  /**
   * `burn` or `clear` when this call removed it; `scheduled` when the delegate is a timelock and this call scheduled
   * (or found scheduled) its removal, executable from `readyAt`; `skipped` when it was not verified (see `note`)
   */
  action: 'burn' | 'clear' | 'scheduled' | 'skipped'
  /** the transaction: the endpoint call, the timelock's executeBatch, or its scheduleBatch for `scheduled` */
  tx?: Hex
  /** for `scheduled`: unix seconds (destination chain) from which a new call executes the removal */
  readyAt?: bigint
  note?: string
}

/** TimelockController.OperationState, as `getOperationState` returns it. */
const OperationState = { Unset: 0, Waiting: 1, Ready: 2, Done: 3 } as const

/**
 * Removes the LayerZero packets of a dead-lettered command from the destination EndpointV2, so that no one (the
 * endpoint's `lzReceive` is permissionless) can execute the command later, and records a `dead → dead` transition
 * with `operator_burn`, the reason and each packet's outcome. The command stays `dead`.
 *
 * The packets are those of the command's `published` transitions over LayerZero, read back from the hub (the
 * `publishLz` receipt's `CommandSentLz` and `PacketSent`). Of EndpointV2's tools for the OApp's delegate:
 * `burn(oapp, srcEid, sender, nonce, payloadHash)` deletes a verified payload hash for good (the nonce can never be
 * verified or executed again) and needs the nonce at or below the endpoint's lazy inbound nonce, which is the case
 * once a later packet on the path has executed. Below that, burn reverts, and `clear(oapp, origin, guid, message)` is
 * used instead: it deletes the payload hash and moves the lazy nonce up to the packet without calling the vault (the
 * endpoint logs it as delivered), with the same result. `nilify` is not used: a nilified packet can be verified again
 * (and the relayer re-verifies earlier packets on a path), and `skip` only applies to a nonce not yet verified.
 * Packets that are not verified (never verified, already executed or already removed) are skipped.
 *
 * When the delegate is a TimelockController (as deployed: it owns the vault) and the key is one of its proposers
 * and executors, the removal goes through it in two calls of this function: the first schedules one batch of the
 * endpoint calls (`scheduleBatch`, the timelock's minimum delay) and records it in a `dead → dead` transition
 * (`operator_burn_scheduled`, with the calls and salt); a call once the delay has passed executes that recorded
 * batch (`executeBatch`) and records the outcome as above. Between the two, calls return the packets as
 * `scheduled`. If the endpoint state changed meanwhile so that the batch reverts, the error is thrown and the next
 * call after the batch is known to have failed must schedule anew (it does once the operation is not pending).
 *
 * @param delegateKey private key of the vault's delegate on the endpoint, or of a proposer and executor of the
 *   timelock that is the delegate; never the relayer's. Checked against `EndpointV2.delegates(vault)` (and the
 *   timelock's roles) before anything is sent.
 * @returns each packet with its action.
 * @throws {InvalidHexError} if `commandId` is not 0x-hex.
 * @throws {NotDeadLetteredError} if the command does not exist or is not `dead`.
 * @throws {CannotBurnError} if it has no LayerZero packet, the key is neither the delegate nor a proposer of the
 *   delegate's timelock, or no packet is verified.
 * @throws Error (a viem error) if a read fails or a transaction reverts.
 * JSON-RPC: `eth_getTransactionReceipt` on the hub; `eth_call`, `eth_sendRawTransaction` on the destination.
 */
export async function burnDeadPacket(params: { db: Db; config: Config; commandId: string; delegateKey: Hex; reason: string }): Promise<BurntPacket[]> {
  const { db, config } = params
  const commandId = normalizeHex(params.commandId, 'commandId')
  const [command] = await db.select().from(commands).where(eq(commands.id, commandId))
  if (command?.state !== 'dead') throw new NotDeadLetteredError(`Command ${commandId} is not dead-lettered (or does not exist); only dead commands' packets are burnt.`)
  const published = await db
    .select()
    .from(commandTransitions)
    .where(and(eq(commandTransitions.commandId, commandId), eq(commandTransitions.toState, 'published')))
    .orderBy(asc(commandTransitions.id))
  const txs = [...new Set(published.filter((t) => t.detail.transport === 'layerzero' && typeof t.detail.tx === 'string').map((t) => t.detail.tx as Hex))]
  if (txs.length === 0) throw new CannotBurnError(`Command ${commandId} was never published over LayerZero; there is no packet to burn.`)

  const hubChain = getChain(config, config.hub.chainId)
  const hub = createChainPublicClient(hubChain)
  const packets = await Promise.all(txs.map((tx) => packetOf(hub, config.hub.address as Address, tx, commandId)))

  const destChain = getChain(config, command.destChainId)
  const endpoint = getLayerZero(config, destChain.chainId).endpoint
  const vault = destChain.vault as Address
  const dest = createChainPublicClient(destChain)
  const delegate = privateKeyToAccount(params.delegateKey)
  const allowed = await dest.readContract({ address: endpoint, abi: LzEndpointV2.abi, functionName: 'delegates', args: [vault] })
  const direct = allowed.toLowerCase() === delegate.address.toLowerCase()
  if (!direct && !(await isTimelockProposer(dest, allowed, delegate.address)))
    throw new CannotBurnError(
      `${delegate.address} is neither the delegate of vault ${vault} on chain ${destChain.chainId} nor a proposer of the timelock that is (the delegate is ${allowed}).`,
    )
  const wallet = createChainWalletClient(destChain, delegate)
  const timelock = allowed
  const record = async (detail: Record<string, unknown>) => {
    if (!(await recordDeadCommandAction(db, commandId, detail)))
      throw new NotDeadLetteredError(`Command ${commandId} left the dead letters while its packets were burnt; what was done: ${JSON.stringify(detail)}`)
  }

  if (!direct) {
    // a removal already scheduled on this timelock: report it while pending, execute it once ready
    const [last] = await db
      .select()
      .from(commandTransitions)
      .where(and(eq(commandTransitions.commandId, commandId), eq(commandTransitions.fromState, 'dead'), eq(commandTransitions.toState, 'dead')))
      .orderBy(desc(commandTransitions.id))
      .limit(1)
    const pending = last?.detail.operator_burn_scheduled === true && last.detail.timelock === timelock ? (last.detail as unknown as ScheduledBurn) : undefined
    if (pending) {
      const operation = pending.operation as Hex
      const state = await dest.readContract({ address: timelock, abi: TimelockController.abi, functionName: 'getOperationState', args: [operation] })
      const planned = pending.packets.map((p) => ({ nonce: BigInt(p.nonce), guid: p.guid, payloadHash: p.payload_hash }))
      if (state === OperationState.Waiting)
        return planned.map((p, i) => ({ ...p, action: 'scheduled' as const, tx: pending.tx, readyAt: BigInt(pending.ready_at), note: pending.packets[i]!.action }))
      if (state === OperationState.Ready) {
        const args = [pending.calls.map((c) => c.target), pending.calls.map(() => 0n), pending.calls.map((c) => c.data), zeroHash, pending.salt] as const
        const { request } = await dest.simulateContract({ account: delegate, address: timelock, abi: TimelockController.abi, functionName: 'executeBatch', args })
        const tx = await wallet.writeContract(request)
        const receipt = await dest.waitForTransactionReceipt({ hash: tx })
        if (receipt.status !== 'success') throw new Error(`TimelockController.executeBatch ${tx} reverted on chain ${destChain.chainId}.`)
        const results = planned.map((p, i) => ({ ...p, action: pending.packets[i]!.action, tx }))
        await record({
          operator_burn: true,
          reason: params.reason,
          delegate: timelock,
          timelock,
          operation,
          executor: delegate.address,
          packets: results.map((r) => ({ nonce: r.nonce.toString(), guid: r.guid, payload_hash: r.payloadHash, action: r.action, tx: r.tx })),
        })
        return results
      }
      // Unset (cancelled) or Done: look at the endpoint again below
    }
  }

  const results: BurntPacket[] = []
  for (const p of packets) {
    const base = { nonce: p.nonce, guid: p.guid, payloadHash: p.payloadHash }
    const [stored, lazy] = await Promise.all([
      dest.readContract({ address: endpoint, abi: LzEndpointV2.abi, functionName: 'inboundPayloadHash', args: [vault, p.srcEid, p.sender, p.nonce] }),
      dest.readContract({ address: endpoint, abi: LzEndpointV2.abi, functionName: 'lazyInboundNonce', args: [vault, p.srcEid, p.sender] }),
    ])
    if (stored.toLowerCase() !== p.payloadHash.toLowerCase()) {
      const note =
        stored === zeroHash ? (p.nonce <= lazy ? 'executed or removed already' : 'not verified: nothing to burn') : `the endpoint holds another payload hash (${stored})`
      results.push({ ...base, action: 'skipped', note })
      continue
    }
    // simulated first, so a refusal (e.g. an earlier nonce that clear cannot pass) throws without spending gas
    const action = p.nonce <= lazy ? 'burn' : 'clear'
    if (!direct) {
      // as the timelock will call it: the same refusal surfaces now rather than after the delay
      const on = { account: timelock, address: endpoint, abi: LzEndpointV2.abi } as const
      let data: Hex
      if (action === 'burn') {
        const args = [vault, p.srcEid, p.sender, p.nonce, p.payloadHash] as const
        await dest.simulateContract({ ...on, functionName: 'burn', args })
        data = encodeFunctionData({ abi: LzEndpointV2.abi, functionName: 'burn', args })
      } else {
        const args = [vault, { srcEid: p.srcEid, sender: p.sender, nonce: p.nonce }, p.guid, p.message] as const
        await dest.simulateContract({ ...on, functionName: 'clear', args })
        data = encodeFunctionData({ abi: LzEndpointV2.abi, functionName: 'clear', args })
      }
      results.push({ ...base, action, tx: data })
      continue
    }
    const tx =
      action === 'burn'
        ? await wallet.writeContract(
            (await dest.simulateContract({ account: delegate, address: endpoint, abi: LzEndpointV2.abi, functionName: 'burn', args: [vault, p.srcEid, p.sender, p.nonce, p.payloadHash] })).request,
          )
        : await wallet.writeContract(
            (
              await dest.simulateContract({
                account: delegate,
                address: endpoint,
                abi: LzEndpointV2.abi,
                functionName: 'clear',
                args: [vault, { srcEid: p.srcEid, sender: p.sender, nonce: p.nonce }, p.guid, p.message],
              })
            ).request,
          )
    const receipt = await dest.waitForTransactionReceipt({ hash: tx })
    if (receipt.status !== 'success') throw new Error(`EndpointV2.${action} ${tx} reverted on chain ${destChain.chainId}.`)
    results.push({ ...base, action, tx })
  }
  if (!results.some((r) => r.action !== 'skipped'))
    throw new CannotBurnError(`No packet of command ${commandId} is verified at chain ${destChain.chainId}: ${results.map((r) => `nonce ${r.nonce} ${r.note}`).join('; ')}.`)
  if (!direct) return scheduleBurn({ dest, wallet, timelock, endpoint, results, record, reason: params.reason, proposer: delegate.address })

  await record({
    operator_burn: true,
    reason: params.reason,
    delegate: delegate.address,
    packets: results.map((r) => ({ nonce: r.nonce.toString(), guid: r.guid, payload_hash: r.payloadHash, action: r.action, tx: r.tx, note: r.note })),
  })
  return results
}

/** The detail of an `operator_burn_scheduled` transition: the batch scheduled on the timelock and its packets. */
type ScheduledBurn = {
  operator_burn_scheduled: true
  timelock: Address
  operation: Hex
  salt: Hex
  tx: Hex
  ready_at: string
  calls: { target: Address; data: Hex }[]
  packets: { nonce: string; guid: Hex; payload_hash: Hex; action: 'burn' | 'clear' }[]
}

/** Whether `address` is a TimelockController on which `account` holds the proposer role (false for anything else). */
async function isTimelockProposer(client: ReturnType<typeof createChainPublicClient>, address: Address, account: Address): Promise<boolean> {
  try {
    const role = await client.readContract({ address, abi: TimelockController.abi, functionName: 'PROPOSER_ROLE' })
    return await client.readContract({ address, abi: TimelockController.abi, functionName: 'hasRole', args: [role, account] })
  } catch {
    return false
  }
}

/**
 * Schedules the endpoint calls of `results` (their `tx` holds the encoded call until then) as one batch on the
 * timelock with its minimum delay and a fresh salt, and records it.
 * @returns the packets as `scheduled` (skipped ones unchanged), with the time from which the batch may execute.
 */
async function scheduleBurn(p: {
  dest: ReturnType<typeof createChainPublicClient>
  wallet: ReturnType<typeof createChainWalletClient>
  timelock: Address
  endpoint: Address
  results: BurntPacket[]
  record: (detail: Record<string, unknown>) => Promise<unknown>
  reason: string
  proposer: Address
}): Promise<BurntPacket[]> {
  const { dest, wallet, timelock } = p
  const planned = p.results.filter((r) => r.action !== 'skipped')
  const calls = planned.map((r) => ({ target: p.endpoint, data: r.tx! }))
  const salt = toHex(crypto.getRandomValues(new Uint8Array(32)))
  const delay = await dest.readContract({ address: timelock, abi: TimelockController.abi, functionName: 'getMinDelay' })
  const batch = [calls.map((c) => c.target), calls.map(() => 0n), calls.map((c) => c.data), zeroHash, salt] as const
  const { request } = await dest.simulateContract({ account: wallet.account, address: timelock, abi: TimelockController.abi, functionName: 'scheduleBatch', args: [...batch, delay] })
  const tx = await wallet.writeContract(request)
  const receipt = await dest.waitForTransactionReceipt({ hash: tx })
  if (receipt.status !== 'success') throw new Error(`TimelockController.scheduleBatch ${tx} reverted on chain ${dest.chain.id}.`)
  const operation = await dest.readContract({ address: timelock, abi: TimelockController.abi, functionName: 'hashOperationBatch', args: batch })
  const readyAt = await dest.readContract({ address: timelock, abi: TimelockController.abi, functionName: 'getTimestamp', args: [operation] })
  const detail: ScheduledBurn & { reason: string; proposer: Address; delegate: Address } = {
    operator_burn_scheduled: true,
    reason: p.reason,
    delegate: timelock,
    proposer: p.proposer,
    timelock,
    operation,
    salt,
    tx,
    ready_at: readyAt.toString(),
    calls,
    packets: planned.map((r) => ({ nonce: r.nonce.toString(), guid: r.guid, payload_hash: r.payloadHash, action: r.action as 'burn' | 'clear' })),
  }
  await p.record(detail)
  return p.results.map((r) => (r.action === 'skipped' ? r : { ...r, action: 'scheduled', tx, readyAt, note: r.action }))
}

/**
 * The packet `MarginHub.publishLz` sent for `commandId` in transaction `txHash`: its `CommandSentLz` and the
 * endpoint's `PacketSent` with the same GUID, decoded.
 * @throws {CannotBurnError} if the transaction carries no such pair.
 */
async function packetOf(hub: ReturnType<typeof createChainPublicClient>, hubAddress: Address, txHash: Hex, commandId: Hex): Promise<DecodedPacket> {
  const receipt = await hub.getTransactionReceipt({ hash: txHash })
  const sent = parseEventLogs({ abi: MarginHub.abi, logs: receipt.logs, eventName: 'CommandSentLz' }).find(
    (l) => l.address.toLowerCase() === hubAddress.toLowerCase() && l.args.commandId.toLowerCase() === commandId.toLowerCase(),
  )
  const packet = sent && parseEventLogs({ abi: LzEndpointV2.abi, logs: receipt.logs, eventName: 'PacketSent' })
    .map((l) => decodePacket(l.args.encodedPayload))
    .find((p) => p.guid === sent.args.guid)
  if (!packet) throw new CannotBurnError(`Hub transaction ${txHash} sent no LayerZero packet for command ${commandId}.`)
  return packet
}
