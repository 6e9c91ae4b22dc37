import { LzEndpointV2, MarginVault, TimelockController } from '@unimargin/contracts'
import { type Address, parseEther, zeroAddress } from 'viem'
import { DeployError } from '../errors.js'
import { confirm, type DeployContext, deployed } from './context.js'

/** The devnet timelock's default minimum delay, seconds: 2 days, as the owner's powers are given to users to react. */
export const DEVNET_TIMELOCK_DELAY_SECONDS = 2 * 86_400

/** Wei the deploy sends the vault guardian's key so it can pay for `pause()`. */
const GUARDIAN_FUNDING_WEI = parseEther('10')

/** What {@link handOverToTimelock} gives the timelock on one chain. */
export interface HandOverParams {
  /** minimum delay of every scheduled owner call, seconds */
  minDelaySeconds: number
  /** the operator's key that proposes and executes owner calls through the timelock (the deployer on the devnet) */
  operator: Address
  vault: Address
  /** MarginHub, on the hub chain only */
  hub?: Address
  endpoint: Address
  /** the key that may pause the vault at once */
  guardian: Address
}

/**
 * Puts every owner power of the chain's vault (and MarginHub on the hub chain) behind a new OpenZeppelin
 * `TimelockController(minDelay, [operator], [operator], admin = address(0))`: no admin role is ever granted, so the
 * roles and the delay can change only through the timelock's own delayed calls. Then names and funds the vault's
 * guardian, makes the timelock each OApp's delegate on the endpoint (which picks its libraries and DVNs), and
 * transfers ownership to it. Runs last, after LayerZero and the hub's peers are configured (both need the owner).
 * @returns the timelock's address and the last block.
 * @throws {DeployError} if a transaction reverts or the endpoint does not report the timelock as delegate.
 */
export async function handOverToTimelock(ctx: DeployContext, p: HandOverParams): Promise<{ timelock: Address; lastBlock: bigint }> {
  const { walletClient } = ctx
  const timelock = await deployed(
    ctx,
    await walletClient.deployContract({
      abi: TimelockController.abi,
      bytecode: TimelockController.bytecode,
      args: [BigInt(p.minDelaySeconds), [p.operator], [p.operator], zeroAddress],
    }),
    'TimelockController',
  )
  const send = async (what: string, hash: Promise<`0x${string}`>) => (await confirm(ctx, await hash, what)).blockNumber
  await send('fund vault guardian', walletClient.sendTransaction({ to: p.guardian, value: GUARDIAN_FUNDING_WEI }))
  await send('MarginVault.setGuardian', walletClient.writeContract({ address: p.vault, abi: MarginVault.abi, functionName: 'setGuardian', args: [p.guardian] }))
  // setDelegate and transferOwnership are OAppCore's and Ownable's, the same in MarginVault's and MarginHub's ABI
  const oapps = [{ name: 'MarginVault', address: p.vault }]
  if (p.hub) oapps.push({ name: 'MarginHub', address: p.hub })
  let last = 0n
  for (const o of oapps) {
    await send(`${o.name}.setDelegate`, walletClient.writeContract({ address: o.address, abi: MarginVault.abi, functionName: 'setDelegate', args: [timelock] }))
    last = await send(`${o.name}.transferOwnership`, walletClient.writeContract({ address: o.address, abi: MarginVault.abi, functionName: 'transferOwnership', args: [timelock] }))
    const delegate = await ctx.publicClient.readContract({ address: p.endpoint, abi: LzEndpointV2.abi, functionName: 'delegates', args: [o.address] })
    if (delegate.toLowerCase() !== timelock.toLowerCase()) throw new DeployError(`${o.name} delegate is ${delegate}, expected the timelock ${timelock}.`, { delegate, timelock })
  }
  return { timelock, lastBlock: last }
}
