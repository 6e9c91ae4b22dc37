import { LzEndpointV2, MarginHub, MarginVault } from '@unimargin/contracts'
import { type Command, commandOptions, type DecodedPacket, encodeCommand } from '@unimargin/protocol'
import { type Hex, keccak256, type TransactionReceipt, toHex } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import type { Devnet, DevnetChain } from '../devnet.js'
import { coSign } from './cosign.js'
import { lzReceiveArgs, type PacketDestination, sentPackets, verifyPacket } from './layerzero.js'
import { signTestVaa } from './vaa.js'

/** A hub command without its envelope: the sender fills `commandId`, `destChainId`, `vault` and `expiry` unless given. */
export type CommandInput = Command extends infer C ? (C extends Command ? Omit<C, 'commandId' | 'destChainId' | 'vault' | 'expiry'> & Partial<Pick<C, 'commandId' | 'expiry'>> : never) : never

/** Options of {@link hubCommands}. */
export type HubCommandsOptions = {
  /** prefix of the generated command ids (`keccak256("<label>-<n>")`), so two test files never share one */
  label: string
  /** first Wormhole sequence of the signed VAAs; default 0 */
  firstSequence?: bigint
  /** seconds from the chain's latest block to a command's expiry; default 3600 */
  ttlSeconds?: bigint
}

/** What {@link hubCommands} returns: MarginHub's two ways of reaching one chain's vault, for contract tests. */
export interface HubCommands {
  /** Encodes `c` for the chain's vault. @returns the payload and its command id */
  encode(c: CommandInput): Promise<{ payload: Hex; commandId: Hex }>
  /** A VAA from MarginHub carrying `payload`, signed by `guardianKeys` (default the devnet guardians: a valid VAA). */
  vaa(payload: Hex, guardianKeys?: Hex[]): Promise<Hex>
  /** Simulates `MarginVault.executeCommand(vaa)` as the relayer. @throws viem's revert error (e.g. `EscapeModeActive`) */
  simulateVaa(vaa: Hex): ReturnType<typeof simulateExecute>
  /** Simulates, then sends `executeCommand(vaa)` as the relayer. @throws the simulation's revert error */
  executeVaa(vaa: Hex): Promise<TransactionReceipt>
  /** Publishes `payload` on the hub over LayerZero (`MarginHub.publishLz`, co-signed, the quoted fee paid). @returns the packet sent */
  publishLz(payload: Hex, kind: Command['kind']): Promise<DecodedPacket>
  /** The destination of the packets: the chain's endpoint, receive library and LzWorker (the required DVN). */
  destination(): PacketDestination
  /**
   * Verifies `packet` as the required DVN and calls `EndpointV2.lzReceive` with a fixed gas limit (default 500 000),
   * so a reverting delivery is mined. @returns the receipt, reverted or not
   */
  receive(packet: DecodedPacket, gas?: bigint): Promise<TransactionReceipt>
  /** {@link HubCommands.publishLz} then {@link HubCommands.receive}. @returns the packet and the delivery's receipt */
  overLayerZero(payload: Hex, kind: Command['kind'], gas?: bigint): Promise<{ packet: DecodedPacket; receipt: TransactionReceipt }>
}

const simulateExecute = (chain: DevnetChain, relayer: Hex, vaa: Hex) =>
  chain.publicClient.simulateContract({ address: chain.addresses.vault, abi: MarginVault.abi, functionName: 'executeCommand', args: [vaa], account: privateKeyToAccount(relayer) })

/**
 * Hub commands for `chain`'s vault as the devnet hub would send them: over Wormhole as VAAs signed by the devnet
 * guardians and relayed by the relayer key, over LayerZero published on the hub with the co-signers' signatures and
 * verified by the devnet's DVN. For tests that need to deliver commands directly, without a relayer service.
 * @example
 * const hub = hubCommands(devnet, devnet.chains[1]!, { label: 'my-test' })
 * const { payload } = await hub.encode({ kind: 'Lock', account, lockEpoch: 1 })
 * await hub.executeVaa(await hub.vaa(payload))
 */
export function hubCommands(devnet: Devnet, chain: DevnetChain, options: HubCommandsOptions): HubCommands {
  const hub = devnet.chain(devnet.hub.chainId)
  const relayer = devnet.keys.relayer
  let sequence = options.firstSequence ?? 0n
  let ids = 0
  const ttl = options.ttlSeconds ?? 3600n
  const self: HubCommands = {
    async encode(c) {
      const commandId = c.commandId ?? keccak256(toHex(`${options.label}-${ids++}`))
      const expiry = c.expiry ?? (await chain.publicClient.getBlock()).timestamp + ttl
      return { payload: encodeCommand({ ...c, commandId, destChainId: BigInt(chain.chainId), vault: chain.addresses.vault, expiry } as Command), commandId }
    },
    vaa: (payload, guardianKeys = devnet.keys.guardians) =>
      signTestVaa({ guardianKeys, emitterChain: devnet.hub.wormholeChainId, emitterAddress: devnet.hub.address, sequence: sequence++, payload }),
    simulateVaa: (vaa) => simulateExecute(chain, relayer, vaa),
    async executeVaa(vaa) {
      const { request } = await simulateExecute(chain, relayer, vaa)
      return chain.publicClient.waitForTransactionReceipt({ hash: await chain.wallet(relayer).writeContract(request) })
    },
    async publishLz(payload, kind) {
      const args = [chain.addresses.layerzero.eid, payload, commandOptions(kind)] as const
      const fee = await hub.publicClient.readContract({ address: devnet.hub.address, abi: MarginHub.abi, functionName: 'quote', args })
      const hash = await hub.wallet(relayer).writeContract({ address: devnet.hub.address, abi: MarginHub.abi, functionName: 'publishLz', args: [...args, await coSign(devnet, payload)], value: fee })
      const receipt = await hub.publicClient.waitForTransactionReceipt({ hash })
      if (receipt.status !== 'success') throw new Error(`MarginHub.publishLz reverted (tx ${hash})`)
      const [packet] = await sentPackets(hub.publicClient, hash)
      if (!packet) throw new Error(`no PacketSent in tx ${hash}`)
      return packet
    },
    destination: () => ({
      publicClient: chain.publicClient,
      wallet: chain.wallet(relayer),
      endpoint: chain.addresses.layerzero.endpoint,
      receiveLib: chain.addresses.layerzero.receiveLib,
      worker: chain.addresses.layerzero.worker,
    }),
    async receive(packet, gas = 500_000n) {
      await verifyPacket(self.destination(), packet)
      const hash = await chain
        .wallet(relayer)
        .writeContract({ address: chain.addresses.layerzero.endpoint, abi: LzEndpointV2.abi, functionName: 'lzReceive', args: lzReceiveArgs(packet, chain.addresses.vault), gas })
      return chain.publicClient.waitForTransactionReceipt({ hash })
    },
    async overLayerZero(payload, kind, gas) {
      const packet = await self.publishLz(payload, kind)
      return { packet, receipt: await self.receive(packet, gas) }
    },
  }
  return self
}
