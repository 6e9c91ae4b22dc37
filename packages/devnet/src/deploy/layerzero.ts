import { LzEndpointV2, LzReceiveUln302, LzSendUln302, LzWorker } from '@unimargin/contracts'
import type { Address } from 'viem'
import { confirm, type DeployContext, deployed } from './context.js'

/** LayerZero endpoint id of devnet chain `index`: 40101, 40102, … */
export const DEVNET_BASE_EID = 40101

/** Flat fees the devnet's worker charges per job, wei: the send fee is executor + DVN = 2·10¹² wei. */
export const DEVNET_LZ_FEES = { executor: 10n ** 12n, dvn: 10n ** 12n } as const

/** Largest message the executor config accepts, bytes (a Seize, the longest command, is 166). */
const MAX_MESSAGE_SIZE = 10_000

/** LayerZero contracts on one chain. */
export interface LayerZeroAddresses {
  eid: number
  endpoint: Address
  sendLib: Address
  receiveLib: Address
  /** our executor + DVN fee/assignJob contract that SendUln302 quotes */
  worker: Address
}

/**
 * Deploys LayerZero's real `EndpointV2(eid, owner)`, `SendUln302(endpoint, 0, 0)` (no treasury),
 * `ReceiveUln302(endpoint)` from their shipped bytecode, and our `LzWorker(owner, fees)`: four deployer nonces.
 * @throws {DeployError} if a deployment reverts.
 */
export async function deployLayerZero(ctx: DeployContext, params: { eid: number }): Promise<LayerZeroAddresses> {
  const { walletClient } = ctx
  const owner = walletClient.account.address
  const endpoint = await deployed(ctx, await walletClient.deployContract({ abi: LzEndpointV2.abi, bytecode: LzEndpointV2.bytecode, args: [params.eid, owner] }), 'EndpointV2')
  const sendLib = await deployed(ctx, await walletClient.deployContract({ abi: LzSendUln302.abi, bytecode: LzSendUln302.bytecode, args: [endpoint, 0n, 0n] }), 'SendUln302')
  const receiveLib = await deployed(ctx, await walletClient.deployContract({ abi: LzReceiveUln302.abi, bytecode: LzReceiveUln302.bytecode, args: [endpoint] }), 'ReceiveUln302')
  const worker = await deployed(
    ctx,
    await walletClient.deployContract({ abi: LzWorker.abi, bytecode: LzWorker.bytecode, args: [owner, DEVNET_LZ_FEES.executor, DEVNET_LZ_FEES.dvn] }),
    'LzWorker',
  )
  return { eid: params.eid, endpoint, sendLib, receiveLib, worker }
}

/**
 * Makes `remoteEids` reachable through ULN302: lets `operator` (the relayer) drive our worker, registers both
 * libraries, sets the default ULN configs (one required DVN, our worker, on both sides; `confirmations` blocks) and
 * executor config (our worker) for every remote eid, and only then the default send/receive libraries; in the other
 * order the endpoint reverts `LZ_UnsupportedEid` because the library does not support the eid yet.
 * @returns the last configuration block.
 * @throws {DeployError} if a transaction reverts.
 */
export async function configureLayerZero(
  ctx: DeployContext,
  lz: LayerZeroAddresses,
  params: { remoteEids: number[]; operator: Address; confirmations: number },
): Promise<bigint> {
  const { walletClient } = ctx
  const send = async (what: string, hash: Promise<`0x${string}`>) => (await confirm(ctx, await hash, what)).blockNumber
  const uln = (dvn: Address) => ({
    confirmations: BigInt(params.confirmations),
    requiredDVNCount: 1,
    optionalDVNCount: 0,
    optionalDVNThreshold: 0,
    requiredDVNs: [dvn],
    optionalDVNs: [],
  })
  await send('LzWorker.setOperator', walletClient.writeContract({ address: lz.worker, abi: LzWorker.abi, functionName: 'setOperator', args: [params.operator, true] }))
  for (const lib of [lz.sendLib, lz.receiveLib])
    await send('EndpointV2.registerLibrary', walletClient.writeContract({ address: lz.endpoint, abi: LzEndpointV2.abi, functionName: 'registerLibrary', args: [lib] }))
  await send(
    'SendUln302.setDefaultUlnConfigs',
    walletClient.writeContract({
      address: lz.sendLib,
      abi: LzSendUln302.abi,
      functionName: 'setDefaultUlnConfigs',
      args: [params.remoteEids.map((eid) => ({ eid, config: uln(lz.worker) }))],
    }),
  )
  await send(
    'SendUln302.setDefaultExecutorConfigs',
    walletClient.writeContract({
      address: lz.sendLib,
      abi: LzSendUln302.abi,
      functionName: 'setDefaultExecutorConfigs',
      args: [params.remoteEids.map((eid) => ({ eid, config: { maxMessageSize: MAX_MESSAGE_SIZE, executor: lz.worker } }))],
    }),
  )
  await send(
    'ReceiveUln302.setDefaultUlnConfigs',
    walletClient.writeContract({
      address: lz.receiveLib,
      abi: LzReceiveUln302.abi,
      functionName: 'setDefaultUlnConfigs',
      args: [params.remoteEids.map((eid) => ({ eid, config: uln(lz.worker) }))],
    }),
  )
  let last = 0n
  for (const eid of params.remoteEids) {
    await send(
      `EndpointV2.setDefaultSendLibrary(${eid})`,
      walletClient.writeContract({ address: lz.endpoint, abi: LzEndpointV2.abi, functionName: 'setDefaultSendLibrary', args: [eid, lz.sendLib] }),
    )
    last = await send(
      `EndpointV2.setDefaultReceiveLibrary(${eid})`,
      walletClient.writeContract({ address: lz.endpoint, abi: LzEndpointV2.abi, functionName: 'setDefaultReceiveLibrary', args: [eid, lz.receiveLib, 0n] }),
    )
  }
  return last
}
