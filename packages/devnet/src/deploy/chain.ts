import { type ContractDeployment, hubDeployment, vaultDeployment } from '@unimargin/deploy'
import { MarginHub, MarginVault, MockERC20, MockPriceFeed } from '@unimargin/contracts'
import { type Address, getContractAddress, pad } from 'viem'
import { DeployError } from '../errors.js'
import { ASSET_SYMBOLS, ASSETS, type AssetSymbol, FEED_DECIMALS } from './assets.js'
import { confirm, type DeployContext, deployed } from './context.js'
import { configureLayerZero, deployLayerZero, type LayerZeroAddresses } from './layerzero.js'
import { deployWormhole } from './wormhole.js'

/** Addresses of everything the devnet deploys on one chain. */
export interface ChainAddresses {
  wormhole: Address
  vault: Address
  /** MarginHub, on the hub chain only */
  hub?: Address
  /** the MockERC20 per asset (USDC, WETH, WBTC) */
  tokens: Record<AssetSymbol, Address>
  /** the MockPriceFeed per asset, USD with 8 decimals */
  feeds: Record<AssetSymbol, Address>
  /** LayerZero v2: endpoint id, EndpointV2, SendUln302, ReceiveUln302 and our executor/DVN worker */
  layerzero: LayerZeroAddresses
  /** the TimelockController owning the vault (and the hub) and their delegate on the endpoint; see handOverToTimelock */
  timelock: Address
}

/** Seconds without a hub command after which a devnet vault lets anyone activate escape mode: 7 days. */
export const DEVNET_ESCAPE_DELAY_SECONDS = 7n * 86_400n

/** The deployer's nonce at which the hub chain deploys MarginHub, on a fresh chain (see {@link deployChain}). */
const HUB_DEPLOY_NONCE = 17n

/**
 * Where MarginHub will be, known before any chain is deployed, so all chains deploy in parallel and vaults get
 * their hub emitter in the constructor. Every chain runs the same transaction sequence from nonce 0, so the
 * vault, tokens and feeds also share addresses across chains.
 */
export function expectedHubAddress(deployer: Address): Address {
  return getContractAddress({ from: deployer, nonce: HUB_DEPLOY_NONCE })
}

export interface DeployChainParams {
  guardians: Address[]
  wormholeChainId: number
  hubWormholeChainId: number
  hubAddress: Address
  isHub: boolean
  /** allowed to publish through MarginHub and to drive each chain's LzWorker (the required DVN of every receive path) */
  relayer: Address
  /** MarginHub's co-signers, the signatures each command needs of them, and the timelock on changes (seconds) */
  coSigners: { signers: Address[]; threshold: number; delaySeconds: bigint }
  /** this chain's LayerZero endpoint id */
  eid: number
  /** the hub chain's LayerZero endpoint id (the vault's fixed peer) */
  hubEid: number
  /** endpoint ids this chain sends to and receives from (every devnet chain, itself included) */
  remoteEids: number[]
  /** block confirmations the ULN configs require */
  lzConfirmations: number
}

/**
 * Deploys on a fresh chain (deployer nonce 0): the Wormhole core (nonces 0-2), LayerZero's EndpointV2, SendUln302,
 * ReceiveUln302 and our worker (3-6), USDC/WETH/WBTC (7-9), the three feeds (10-12), the vault (13) listing the
 * three tokens (14-16) and, on the hub chain, MarginHub (17) with the relayer as publisher and `coSigners`; then configures
 * LayerZero's libraries for `remoteEids`. The hub's LayerZero peers are set later, by {@link setHubPeers}, and the
 * owner's powers are then handed to a timelock by `handOverToTimelock` (later nonces, so the hub's stays 17).
 * @returns the addresses and the last deployment block.
 * @throws {DeployError} if a transaction reverts or the chain was not fresh.
 */
export async function deployChain(ctx: DeployContext, p: DeployChainParams): Promise<{ addresses: Omit<ChainAddresses, 'timelock'>; lastBlock: bigint }> {
  const { walletClient } = ctx
  const deployer = walletClient.account.address
  const nonce = await ctx.publicClient.getTransactionCount({ address: deployer })
  if (nonce !== 0) throw new DeployError(`Chain ${walletClient.chain.id} is not fresh: deployer nonce ${nonce}.`, { nonce })

  const wormhole = await deployWormhole(ctx, { guardians: p.guardians, wormholeChainId: p.wormholeChainId })
  const layerzero = await deployLayerZero(ctx, { eid: p.eid })

  const tokens = {} as Record<AssetSymbol, Address>
  for (const symbol of ASSET_SYMBOLS) {
    const a = ASSETS[symbol]
    const hash = await walletClient.deployContract({ abi: MockERC20.abi, bytecode: MockERC20.bytecode, args: [a.tokenName, a.tokenSymbol, a.decimals] })
    tokens[symbol] = await deployed(ctx, hash, `MockERC20 ${a.tokenSymbol}`)
  }
  const feeds = {} as Record<AssetSymbol, Address>
  for (const symbol of ASSET_SYMBOLS) {
    const a = ASSETS[symbol]
    const hash = await walletClient.deployContract({
      abi: MockPriceFeed.abi,
      bytecode: MockPriceFeed.bytecode,
      args: [FEED_DECIMALS, a.feedDescription, a.initialPriceUsd8],
    })
    feeds[symbol] = await deployed(ctx, hash, `MockPriceFeed ${symbol}`)
  }

  const vault = await deployContract(
    ctx,
    vaultDeployment({
      wormhole,
      hubWormholeChainId: p.hubWormholeChainId,
      hub: p.hubAddress,
      endpoint: layerzero.endpoint,
      hubEid: p.hubEid,
      owner: deployer,
      escapeDelaySeconds: DEVNET_ESCAPE_DELAY_SECONDS,
    }),
  )
  let last = 0n
  for (const symbol of ASSET_SYMBOLS) {
    const hash = await walletClient.writeContract({ address: vault, abi: MarginVault.abi, functionName: 'setAssetSupported', args: [tokens[symbol], true] })
    last = (await confirm(ctx, hash, `setAssetSupported ${symbol}`)).blockNumber
  }

  // the timelock is deployed last, by handOverToTimelock, once the owner has configured everything
  const addresses: Omit<ChainAddresses, 'timelock'> = { wormhole, vault, tokens, feeds, layerzero }
  if (p.isHub) {
    const { signers, threshold, delaySeconds } = p.coSigners
    const hub = await deployContract(
      ctx,
      hubDeployment({ wormhole, endpoint: layerzero.endpoint, owner: deployer, consistencyLevel: 1, publishers: [p.relayer], coSigners: { signers, threshold, delaySeconds } }),
    )
    if (hub !== p.hubAddress) throw new DeployError(`MarginHub deployed at ${hub}, expected ${p.hubAddress}.`, { hub })
    addresses.hub = hub
  }
  last = await configureLayerZero(ctx, layerzero, { remoteEids: p.remoteEids, operator: p.relayer, confirmations: p.lzConfirmations })
  return { addresses, lastBlock: last }
}

/**
 * Registers each chain's vault as MarginHub's LayerZero peer on that chain's endpoint id (the vaults' own peer,
 * the hub, is fixed when they are built). Runs on the hub chain once every chain is deployed.
 * @returns the last block.
 * @throws {DeployError} if a transaction reverts.
 */
export async function setHubPeers(ctx: DeployContext, hub: Address, vaults: { eid: number; vault: Address }[]): Promise<bigint> {
  let last = 0n
  for (const { eid, vault } of vaults) {
    const hash = await ctx.walletClient.writeContract({ address: hub, abi: MarginHub.abi, functionName: 'setPeer', args: [eid, pad(vault, { size: 32 })] })
    last = (await confirm(ctx, hash, `MarginHub.setPeer(${eid})`)).blockNumber
  }
  return last
}

/** Sends `d`'s creation from the context's wallet and waits for its address. @throws {DeployError} if it reverts. */
async function deployContract(ctx: DeployContext, d: ContractDeployment) {
  return deployed(ctx, await ctx.walletClient.deployContract({ abi: d.abi, bytecode: d.bytecode, args: d.args as never }), d.contract)
}
