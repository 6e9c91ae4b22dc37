import { MarginVault, MockERC20 } from '@unimargin/contracts'
import type { Address, Hex, TransactionReceipt } from 'viem'
import { privateKeyToAccount, privateKeyToAddress } from 'viem/accounts'
import type { AssetSymbol } from '../deploy/index.js'
import type { Devnet, DevnetChain } from '../devnet.js'

/**
 * Mints `amount` base units of `symbol` to the holder of `userKey` on `chain`, approves the vault and deposits them
 * to the holder's own account. @returns the deposit's receipt (its status tells whether the vault took it)
 */
export async function mintAndDeposit(devnet: Devnet, chain: DevnetChain, userKey: Hex, amount: bigint, symbol: AssetSymbol = 'USDC'): Promise<TransactionReceipt> {
  const account = privateKeyToAddress(userKey)
  const token = chain.addresses.tokens[symbol]
  const wallet = chain.wallet(userKey)
  await devnet.mint(chain.chainId, symbol, account, amount)
  await chain.publicClient.waitForTransactionReceipt({ hash: await wallet.writeContract({ address: token, abi: MockERC20.abi, functionName: 'approve', args: [chain.addresses.vault, amount] }) })
  // a set gas limit: a refused deposit is mined as reverted instead of failing the estimate
  const hash = await wallet.writeContract({ address: chain.addresses.vault, abi: MarginVault.abi, functionName: 'deposit', args: [token, amount, account], gas: 300_000n })
  return chain.publicClient.waitForTransactionReceipt({ hash })
}

/**
 * Asks `chain`'s vault, as the holder of `userKey`, to withdraw `amount` base units of `symbol` to `recipient`
 * (default the holder). @returns the new request's id
 * @throws viem's revert error when the vault refuses (e.g. `EnforcedPause`, `EscapeModeActive`)
 */
export async function requestWithdrawal(chain: DevnetChain, userKey: Hex, amount: bigint, options: { symbol?: AssetSymbol; recipient?: Address } = {}): Promise<bigint> {
  const account = privateKeyToAccount(userKey)
  const token = chain.addresses.tokens[options.symbol ?? 'USDC']
  const { request, result } = await chain.publicClient.simulateContract({
    address: chain.addresses.vault,
    abi: MarginVault.abi,
    functionName: 'requestWithdrawal',
    args: [token, amount, options.recipient ?? account.address],
    account,
  })
  const receipt = await chain.publicClient.waitForTransactionReceipt({ hash: await chain.wallet(userKey).writeContract(request) })
  if (receipt.status !== 'success') throw new Error(`requestWithdrawal reverted (tx ${receipt.transactionHash})`)
  return result
}
