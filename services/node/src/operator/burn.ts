import { type Config, createChainPublicClient, createChainWalletClient, getChain, getLayerZero } from '@unimargin/chains'
import { LzEndpointV2, MarginHub } from '@unimargin/contracts'
import { and, asc, commands, commandTransitions, type Db, eq } from '@unimargin/db'
import { type DecodedPacket, decodePacket } from '@unimargin/protocol'
import { type Address, type Hex, parseEventLogs, zeroHash } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { NotDeadLetteredError } from './commands.js'

/** Thrown when a command's LayerZero packets cannot be burnt: none recorded, none still verified, or a wrong key. */
export class CannotBurnError extends Error {
  override name = 'CannotBurnError'
}

/** What happened to one LayerZero packet of the command. */
export type BurntPacket = {
  nonce: bigint
  guid: Hex
  payloadHash: Hex
  /** `burn` or `clear` when this call removed it; `skipped` when it was not verified (see `note`) */
  action: 'burn' | 'clear' | 'skipped'
  /** the endpoint transaction, for `burn` and `clear` */
  tx?: Hex
  note?: string
}

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
 * @param delegateKey private key of the vault's delegate on the endpoint (the vault's owner); never the relayer's
 *   unless that key is the delegate. Checked against `EndpointV2.delegates(vault)` before anything is sent.
 * @returns each packet with its action.
 * @throws {NotDeadLetteredError} if the command does not exist or is not `dead`.
 * @throws {CannotBurnError} if it has no LayerZero packet, the key is not the delegate, or no packet is verified.
 * @throws Error (a viem error) if a read fails or a transaction reverts.
 * JSON-RPC: `eth_getTransactionReceipt` on the hub; `eth_call`, `eth_sendRawTransaction` on the destination.
 */
export async function burnDeadPacket(params: { db: Db; config: Config; commandId: string; delegateKey: Hex; reason: string }): Promise<BurntPacket[]> {
  const { db, config, commandId } = params
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
  const packets = await Promise.all(txs.map((tx) => packetOf(hub, config.hub.address as Address, tx, commandId as Hex)))

  const destChain = getChain(config, command.destChainId)
  const endpoint = getLayerZero(config, destChain.chainId).endpoint
  const vault = destChain.vault as Address
  const dest = createChainPublicClient(destChain)
  const delegate = privateKeyToAccount(params.delegateKey)
  const allowed = await dest.readContract({ address: endpoint, abi: LzEndpointV2.abi, functionName: 'delegates', args: [vault] })
  if (allowed.toLowerCase() !== delegate.address.toLowerCase())
    throw new CannotBurnError(`${delegate.address} is not the delegate of vault ${vault} on chain ${destChain.chainId} (the delegate is ${allowed}).`)
  const wallet = createChainWalletClient(destChain, delegate)

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

  const detail = {
    operator_burn: true,
    reason: params.reason,
    delegate: delegate.address,
    packets: results.map((r) => ({ nonce: r.nonce.toString(), guid: r.guid, payload_hash: r.payloadHash, action: r.action, tx: r.tx, note: r.note })),
  }
  await db.transaction(async (tx) => {
    await tx.update(commands).set({ updatedAt: new Date() }).where(eq(commands.id, commandId))
    await tx.insert(commandTransitions).values({ commandId, fromState: 'dead', toState: 'dead', detail })
  })
  return results
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
