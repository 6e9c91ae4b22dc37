import { TimelockController } from '@unimargin/contracts'
import {
  type Abi,
  type Account,
  type Address,
  type Chain,
  type ContractFunctionArgs,
  type ContractFunctionName,
  encodeFunctionData,
  type EncodeFunctionDataParameters,
  type Hex,
  type PublicClient,
  type TestClient,
  type Transport,
  type TransactionReceipt,
  toHex,
  type WalletClient,
  zeroHash,
} from 'viem'
import { DevnetError } from './errors.js'

/** A contract call the owner makes, as viem's `writeContract` takes it (the target is `address`). */
export type OwnerCall<abi extends Abi, functionName extends ContractFunctionName<abi, 'nonpayable' | 'payable'>> = {
  address: Address
  abi: abi
  functionName: functionName
  args: ContractFunctionArgs<abi, 'nonpayable' | 'payable', functionName>
}

/** One chain's timelock and the clients that reach it: `walletClient` holds its proposer and executor roles. */
export interface TimelockChain {
  publicClient: PublicClient<Transport, Chain>
  walletClient: WalletClient<Transport, Chain, Account>
  testClient: TestClient<'anvil', Transport, Chain>
  addresses: { timelock: Address }
}

/** A call scheduled on a timelock: what {@link executeOwnerCall} needs, and when it becomes executable. */
export interface ScheduledCall {
  target: Address
  data: Hex
  salt: Hex
  /** the timelock's operation id (`hashOperation(target, 0, data, 0, salt)`) */
  id: Hex
  /** unix seconds from which the call may be executed */
  readyAt: bigint
}

async function mined(chain: TimelockChain, hash: Hex, what: string): Promise<TransactionReceipt> {
  const receipt = await chain.publicClient.waitForTransactionReceipt({ hash, pollingInterval: 20 })
  if (receipt.status !== 'success') throw new DevnetError(`${what} reverted on chain ${chain.publicClient.chain.id} (tx ${hash}).`, { hash })
  return receipt
}

/**
 * Schedules `call` on the chain's TimelockController (`schedule(target, 0, data, 0, salt, minDelay)`), signed by the
 * wallet, which must hold the proposer role. `salt` defaults to a random one, so the same call may be scheduled twice.
 * @returns the scheduled call and the time (unix s) from which it may execute.
 * @throws viem's ContractFunctionRevertedError (e.g. `AccessControlUnauthorizedAccount`) if scheduling is refused.
 */
export async function scheduleOwnerCall<const abi extends Abi, functionName extends ContractFunctionName<abi, 'nonpayable' | 'payable'>>(
  chain: TimelockChain,
  call: OwnerCall<abi, functionName>,
  salt: Hex = toHex(crypto.getRandomValues(new Uint8Array(32))),
): Promise<ScheduledCall> {
  const { publicClient, walletClient } = chain
  const timelock = chain.addresses.timelock
  const data = encodeFunctionData({ abi: call.abi, functionName: call.functionName, args: call.args } as EncodeFunctionDataParameters)
  const delay = await publicClient.readContract({ address: timelock, abi: TimelockController.abi, functionName: 'getMinDelay' })
  const { request } = await publicClient.simulateContract({
    account: walletClient.account,
    address: timelock,
    abi: TimelockController.abi,
    functionName: 'schedule',
    args: [call.address, 0n, data, zeroHash, salt, delay],
  })
  await mined(chain, await walletClient.writeContract(request), 'TimelockController.schedule')
  const id = await publicClient.readContract({ address: timelock, abi: TimelockController.abi, functionName: 'hashOperation', args: [call.address, 0n, data, zeroHash, salt] })
  const readyAt = await publicClient.readContract({ address: timelock, abi: TimelockController.abi, functionName: 'getTimestamp', args: [id] })
  return { target: call.address, data, salt, id, readyAt }
}

/**
 * Executes a call scheduled by {@link scheduleOwnerCall} (`execute(target, 0, data, 0, salt)`), signed by the wallet,
 * which must hold the executor role.
 * @returns the receipt (its logs hold the target's events).
 * @throws viem's ContractFunctionRevertedError: `TimelockUnexpectedOperationState` before `readyAt` or once executed,
 * or the target's own error when the call reverts.
 */
export async function executeOwnerCall(chain: TimelockChain, scheduled: ScheduledCall): Promise<TransactionReceipt> {
  const { publicClient, walletClient } = chain
  const { request } = await publicClient.simulateContract({
    account: walletClient.account,
    address: chain.addresses.timelock,
    abi: TimelockController.abi,
    functionName: 'execute',
    args: [scheduled.target, 0n, scheduled.data, zeroHash, scheduled.salt],
  })
  return mined(chain, await walletClient.writeContract(request), 'TimelockController.execute')
}

/**
 * Makes an owner call on the devnet the way the operator must: schedules it on the chain's timelock, moves the
 * anvil clock past the delay (`evm_increaseTime`, then a block), and executes it. Devnet only: the time travel is
 * anvil's.
 * @example
 * await throughTimelock(devnet.chain(31338), { address: vault, abi: MarginVault.abi, functionName: 'setRequestTimeout', args: [3600n] })
 * @returns the execution's receipt.
 * @throws as {@link scheduleOwnerCall} and {@link executeOwnerCall}; the target's revert surfaces at execution.
 */
export async function throughTimelock<const abi extends Abi, functionName extends ContractFunctionName<abi, 'nonpayable' | 'payable'>>(
  chain: TimelockChain,
  call: OwnerCall<abi, functionName>,
): Promise<TransactionReceipt> {
  const scheduled = await scheduleOwnerCall(chain, call)
  const now = (await chain.publicClient.getBlock()).timestamp
  if (scheduled.readyAt > now) await chain.testClient.increaseTime({ seconds: Number(scheduled.readyAt - now) })
  await chain.testClient.mine({ blocks: 1 })
  return executeOwnerCall(chain, scheduled)
}
