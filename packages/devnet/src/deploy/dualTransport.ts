import { dualTransportThreshold } from '@unimargin/chains'
import { MarginVault } from '@unimargin/contracts'
import type { Address } from 'viem'
import { ASSET_SYMBOLS, ASSETS, type AssetSymbol, FEED_DECIMALS } from './assets.js'
import { confirm, type DeployContext } from './context.js'

/**
 * USD notional from which the devnet's vaults want an ApproveWithdrawal or Seize delivered over both Wormhole and
 * LayerZero (the config's `dualTransportAboveUsd` of every chain): 50 000 USD.
 */
export const DEVNET_DUAL_TRANSPORT_ABOVE_USD = 50_000

/**
 * Sets `vault`'s `dualTransportThreshold` of each devnet token to `aboveUsd` converted at the asset's initial feed
 * price (`dualTransportThreshold` of @unimargin/chains): 50 000 USDC, 31.25 WETH, 2.38095238 WBTC at 50 000 USD.
 * @returns the last block.
 * @throws {DeployError} if a transaction reverts.
 */
export async function setDualTransportThresholds(ctx: DeployContext, vault: Address, tokens: Record<AssetSymbol, Address>, aboveUsd: number): Promise<bigint> {
  let last = 0n
  for (const symbol of ASSET_SYMBOLS) {
    const threshold = dualTransportThreshold(aboveUsd, { decimals: ASSETS[symbol].decimals, feedDecimals: FEED_DECIMALS }, ASSETS[symbol].initialPriceUsd8)
    const hash = await ctx.walletClient.writeContract({ address: vault, abi: MarginVault.abi, functionName: 'setDualTransportThreshold', args: [tokens[symbol], threshold] })
    last = (await confirm(ctx, hash, `setDualTransportThreshold ${symbol}`)).blockNumber
  }
  return last
}
