import type { Config } from '@unimargin/chains'
import type { Db } from '@unimargin/db'
import { Hono } from 'hono'
import type { Logger } from 'pino'
import { type Address, getAddress, type Hex, isAddress } from 'viem'
import { z } from 'zod'
import { toUnixSeconds } from '../../common/format.js'
import { PositionReportError } from '../../common/errors.js'
import { positionReportDomain, recoverPositionReporter } from '@unimargin/protocol'
import { applyPositionReport } from '../../positions/index.js'
import { ApiError } from '../errors.js'
import { validate } from '../validation.js'

const UINT64_MAX = 2n ** 64n - 1n
const INT256_MAX = 2n ** 255n - 1n
const UINT256_MAX = 2n ** 256n - 1n

const body = z.object({
  report: z.object({
    account: z
      .string()
      .refine((v) => isAddress(v, { strict: false }), 'must be a 20-byte 0x address')
      .transform((v) => getAddress(v) as Address),
    market: z.string().min(1, 'must be a market symbol'),
    size: z
      .string()
      .regex(/^-?\d+$/, 'must be a signed integer in decimal (18 decimals)')
      .transform(BigInt)
      .refine((v) => v >= -INT256_MAX - 1n && v <= INT256_MAX, 'must fit int256'),
    entryPrice: z
      .string()
      .regex(/^\d+$/, 'must be an unsigned integer in decimal (usd, 8 decimals)')
      .transform(BigInt)
      .refine((v) => v <= UINT256_MAX, 'must fit uint256'),
    sequence: z
      .string()
      .regex(/^\d+$/, 'must be an unsigned integer in decimal')
      .transform(BigInt)
      .refine((v) => v <= UINT64_MAX, 'must fit uint64'),
  }),
  signature: z
    .string()
    .regex(/^0x[0-9a-fA-F]{130}$/, 'must be a 65-byte 0x signature')
    .transform((v) => v as Hex),
})

const statusOf = { invalid_signature: 401, stale_sequence: 409, unknown_market: 400 } as const

/**
 * `POST /v1/positions`: accepts an EIP-712 position report signed by `config.venue.reporter`. 400 on a malformed
 * body (naming the field) or an unknown market, 401 on another signer, 409 on a sequence not above the last one.
 */
export function positionRoutes(deps: { db: Db; config: Config; logger: Logger; now: () => Date }) {
  const { db, config } = deps
  const domain = positionReportDomain({ name: config.venue.domainName, chainId: config.hub.chainId, verifyingContract: config.hub.address })
  return new Hono().post('/', validate('json', body), async (c) => {
    const { report, signature } = c.req.valid('json')
    let signer: Address | undefined
    try {
      signer = await recoverPositionReporter({ report, domain, signature })
    } catch {
      signer = undefined
    }
    if (signer !== config.venue.reporter)
      throw new ApiError(401, 'invalid_signature', `The report is not signed by the configured reporter ${config.venue.reporter}.`)
    try {
      const result = await db.transaction((tx) =>
        applyPositionReport({ tx, config, logger: deps.logger, now: deps.now, referenceTs: toUnixSeconds(deps.now()) }, report),
      )
      return c.json({ accepted: true, account: report.account, market: report.market, sequence: result.sequence.toString() })
    } catch (error) {
      if (error instanceof PositionReportError) {
        const path = error.code === 'unknown_market' ? 'report.market' : 'report.sequence'
        throw new ApiError(statusOf[error.code], error.code, error.message, [{ path, message: error.message }])
      }
      throw error
    }
  })
}
