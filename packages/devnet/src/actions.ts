import { MarginVault, MockERC20 } from '@unimargin/contracts'
import { type Address, type Hash, type Hex, parseEventLogs } from 'viem'
import { privateKeyToAddress } from 'viem/accounts'
import type { AssetSymbol } from './deploy/index.js'
import type { Devnet } from './devnet.js'
import { DevnetError } from './errors.js'

export type UserDepositParameters = {
  chainId: number
  /** the depositing user's private key (pays gas, receives the minted tokens) */
  key: Hex
  symbol: AssetSymbol
  /** token base units */
  amount: bigint
  /** account credited (default: the user) */
  account?: Address
}

async function confirmed(devnet: Devnet, chainId: number, what: string, hash: Hash) {
  const receipt = await devnet.chain(chainId).publicClient.waitForTransactionReceipt({ hash, pollingInterval: 20 })
  if (receipt.status !== 'success') throw new DevnetError(`${what} reverted on chain ${chainId} (tx ${hash}).`)
  return receipt
}

/**
 * As a user: mints `amount` of the token to the user, approves the chain's vault and deposits it.
 * @returns the deposit transaction's receipt. @throws {DevnetError} if a transaction reverts.
 */
export async function userDeposit(devnet: Devnet, p: UserDepositParameters) {
  const c = devnet.chain(p.chainId)
  const user = privateKeyToAddress(p.key)
  const token = c.addresses.tokens[p.symbol]
  const wallet = c.wallet(p.key)
  await devnet.mint(p.chainId, p.symbol, user, p.amount)
  await confirmed(devnet, p.chainId, 'approve', await wallet.writeContract({ address: token, abi: MockERC20.abi, functionName: 'approve', args: [c.addresses.vault, p.amount] }))
  const hash = await wallet.writeContract({
    address: c.addresses.vault,
    abi: MarginVault.abi,
    functionName: 'deposit',
    args: [token, p.amount, p.account ?? user],
  })
  return confirmed(devnet, p.chainId, 'deposit', hash)
}

export type UserWithdrawalParameters = {
  chainId: number
  key: Hex
  symbol: AssetSymbol
  /** token base units */
  amount: bigint
  /** receives the tokens (default: the user) */
  recipient?: Address
}

/**
 * As a user: asks the chain's vault to withdraw `amount` (escrowed until the hub decides).
 * @returns the vault's request id and the transaction hash. @throws {DevnetError} if the request reverts.
 */
export async function userRequestWithdrawal(devnet: Devnet, p: UserWithdrawalParameters): Promise<{ requestId: bigint; hash: Hash }> {
  const c = devnet.chain(p.chainId)
  const user = privateKeyToAddress(p.key)
  const hash = await c.wallet(p.key).writeContract({
    address: c.addresses.vault,
    abi: MarginVault.abi,
    functionName: 'requestWithdrawal',
    args: [c.addresses.tokens[p.symbol], p.amount, p.recipient ?? user],
  })
  const receipt = await confirmed(devnet, p.chainId, 'requestWithdrawal', hash)
  const [event] = parseEventLogs({ abi: MarginVault.abi, logs: receipt.logs, eventName: 'WithdrawalRequested' })
  if (!event) throw new DevnetError(`requestWithdrawal on chain ${p.chainId} emitted no WithdrawalRequested (tx ${hash}).`)
  return { requestId: event.args.requestId, hash }
}

/** The account's signed vault balance of `symbol` on `chainId` (token base units; negative = liability there). */
export function vaultBalance(devnet: Devnet, chainId: number, account: Address, symbol: AssetSymbol): Promise<bigint> {
  const c = devnet.chain(chainId)
  return c.publicClient.readContract({ address: c.addresses.vault, abi: MarginVault.abi, functionName: 'balanceOf', args: [account, c.addresses.tokens[symbol]] })
}
