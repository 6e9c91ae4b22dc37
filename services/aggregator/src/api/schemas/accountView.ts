import { z } from '@hono/zod-openapi'
import { AddressString, DecimalString, IntString, IsoTime } from './common.js'

const Greeks = z.object({ delta: z.number(), gamma: z.number(), vega: z.number(), theta: z.number(), deltaUsd: z.number() })

const Risk = z
  .object({
    worstScenario: z.string().nullable(),
    worstLossUsd8: IntString,
    contingencyUsd8: IntString,
    collateralImUsd8: IntString,
    routeBreakUsd8: IntString,
    routeBreak: z.string().nullable(),
    scenarios: z.array(z.object({ name: z.string(), pnlUsd: z.number() })),
    greeks: z.record(z.string(), Greeks),
    pnlSigmaUsd8: IntString,
    sigmaHorizonSeconds: z.number(),
    liquidationPrices: z.array(
      z.object({ underlying: z.string(), spotUsd8: IntString, belowUsd8: IntString.nullable(), aboveUsd8: IntString.nullable(), liquidatableNow: z.boolean() }),
    ),
  })
  .openapi('RiskView', { description: "the portfolio engine's outputs (absent in linear mode)" })

const ParameterSet = z
  .object({
    version: z.number(),
    effectiveAt: z.number().openapi({ description: 'unix s' }),
    reason: z.enum(['current', 'grace', 'added-risk', 'grace-expired', 'unknown-version']),
    graceEndsAt: z.number().nullable(),
    latestVersion: z.number(),
    movedBy: z.object({
      realizedSigmaHorizon: z.record(z.string(), z.number()),
      meanAbsCorrelation: z.number().nullable(),
      bounds: z.array(z.object({ parameter: z.string(), bound: z.string(), target: z.number(), value: z.number() })).readonly(),
    }),
    applied: z.boolean(),
  })
  .openapi('ParameterSetView')

/** One withdrawal as the account view and `GET /v1/accounts/{address}/withdrawals` show it. */
export const WithdrawalSchema = z
  .object({
    chainId: z.number(),
    requestId: IntString,
    asset: AddressString,
    amount: IntString.openapi({ description: 'token base units' }),
    amountFormatted: DecimalString.nullable().openapi({ description: 'amount in whole tokens; null for an asset not configured on the chain' }),
    recipient: AddressString,
    state: z.string().openapi({ description: 'requested, reserved, approved, executed, rejected, expired or voided' }),
    reason: z.string().nullable(),
    limit: IntString.nullable().openapi({ description: 'the most the account could withdraw there at decision time, base units' }),
    commandId: z.string().nullable(),
    commandState: z.string().nullable(),
    pending: z.boolean().openapi({ description: 'the vault still holds the escrow' }),
    requestedTx: z.string(),
    createdAt: IsoTime,
    updatedAt: IsoTime,
  })
  .openapi('Withdrawal')

/** One liquidation as the account view and `GET /v1/accounts/{address}/liquidations` show it. */
export const LiquidationSchema = z
  .object({
    id: IntString,
    lockEpoch: z.number(),
    state: z.string(),
    debtUsd8: IntString,
    penaltyUsd8: IntString,
    seizedValueUsd8: IntString,
    shortfallUsd8: IntString,
    insuranceCoveredUsd8: IntString,
    socializedLossUsd8: IntString,
    seizures: z.array(
      z.object({ chainId: z.number(), asset: AddressString, amount: IntString, valueUsd8: IntString, commandId: z.string(), seizedAmount: IntString.nullable() }),
    ),
    closedPositions: z.array(z.record(z.string(), z.string())),
    createdAt: IsoTime,
    updatedAt: IsoTime,
  })
  .openapi('Liquidation')

/**
 * `GET /v1/accounts/{address}`: `...Usd8` fields are USD with 8 decimals (exact); each has a `...Usd` decimal string
 * beside it, and base-unit amounts an `...Formatted` one, for display only.
 */
export const AccountViewSchema = z
  .object({
    address: AddressString,
    equityUsd8: IntString,
    equityUsd: DecimalString,
    imUsd8: IntString,
    imUsd: DecimalString,
    mmUsd8: IntString,
    mmUsd: DecimalString,
    freeCollateralUsd8: IntString,
    freeCollateralUsd: DecimalString,
    health: z.string().nullable().openapi({ description: 'equity / MM with 4 decimals; null without a maintenance requirement' }),
    healthBps: IntString.nullable(),
    collateralUsd8: IntString,
    collateralUsd: DecimalString,
    unrealizedPnlUsd8: IntString,
    unrealizedPnlUsd: DecimalString,
    settledPnlUsd8: IntString,
    settledPnlUsd: DecimalString,
    positionSequence: IntString,
    collateral: z.array(
      z.object({
        chainId: z.number(),
        symbol: z.string(),
        asset: AddressString,
        amount: IntString,
        amountFormatted: DecimalString,
        decimals: z.number(),
        priceUsd8: IntString.nullable(),
        priceUsd: DecimalString.nullable(),
        priceAgeSeconds: IntString.nullable(),
        priceStale: z.boolean(),
        haircutBps: z.number(),
        underlying: z.string(),
        riskCancelling: z.boolean(),
        mmHaircutBps: z.number(),
        imHaircutBps: z.number(),
        routeBreakLossBps: z.number(),
        valueUsd8: IntString,
        valueUsd: DecimalString,
        weightedUsd8: IntString,
        weightedUsd: DecimalString,
      }),
    ),
    collateralByChain: z.array(z.object({ chainId: z.number(), valueUsd8: IntString, weightedUsd8: IntString })),
    collateralByAsset: z.array(z.object({ symbol: z.string(), valueUsd8: IntString, weightedUsd8: IntString })),
    unsupportedCollateral: z.array(z.object({ chainId: z.number(), asset: AddressString, amount: IntString })),
    positions: z.array(
      z.object({
        market: z.string(),
        size: IntString.openapi({ description: 'signed, 18 decimals' }),
        sizeFormatted: DecimalString,
        entryPrice: IntString.openapi({ description: 'usd8' }),
        entryPriceUsd: DecimalString,
        markPrice: IntString.openapi({ description: 'usd8' }),
        markPriceUsd: DecimalString,
        markPriceAgeSeconds: IntString.nullable(),
        notionalUsd8: IntString,
        notionalUsd: DecimalString,
        unrealizedPnlUsd8: IntString,
        unrealizedPnlUsd: DecimalString,
        imUsd8: IntString,
        mmUsd8: IntString,
      }),
    ),
    withdrawalBufferUsd8: IntString,
    routes: z.array(
      z.object({
        chainId: z.number(),
        transport: z.enum(['wormhole', 'layerzero']),
        p50Ms: z.number(),
        p99Ms: z.number(),
        samples: z.number(),
        source: z.enum(['measured', 'seeded']),
        bufferUsd8: IntString,
      }),
    ),
    withdrawable: z.array(
      z.object({
        chainId: z.number(),
        symbol: z.string(),
        asset: AddressString,
        amount: IntString,
        amountFormatted: DecimalString,
        blockedBy: z.enum(['locked', 'price']).nullable(),
      }),
    ),
    withdrawals: z.array(WithdrawalSchema).openapi({ description: 'escrows the vaults still hold, then the latest settled (50 in all); all of them: /withdrawals' }),
    lock: z.object({ state: z.string(), epoch: z.number(), chains: z.array(z.number()), lockedChains: z.array(z.number()) }),
    marginMode: z.enum(['linear', 'portfolio', 'tiered', 'isolated', 'span']),
    risk: Risk.optional(),
    parameterSet: ParameterSet.nullable().optional(),
    valuationBlocks: z.array(z.object({ chainId: z.number(), blockNumber: IntString, blockTimestamp: IntString })),
    prices: z.array(
      z.object({
        chainId: z.number(),
        symbol: z.string(),
        feed: AddressString,
        priceUsd8: IntString,
        roundId: IntString,
        updatedAt: IntString.openapi({ description: 'unix s' }),
        ageSeconds: IntString,
        stale: z.boolean(),
      }),
    ),
    priceProblems: z.array(z.object({ symbol: z.string(), chainId: z.number().nullable(), problem: z.enum(['missing', 'stale']), ageSeconds: IntString.nullable() })),
    liquidations: z.array(LiquidationSchema).openapi({ description: 'the latest 20; all of them: /liquidations' }),
  })
  .openapi('AccountView')
