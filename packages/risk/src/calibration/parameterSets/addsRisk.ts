import { instrumentKey } from '../../portfolio/instruments/instrumentKey.js'
import type { PortfolioAccount } from '../../portfolio/types.js'

/** Whether a change to an account adds risk, and why. */
export type RiskAddition = { adds: boolean; reasons: string[] }

/**
 * Decides whether a change to an account adds risk, so that it loses the grace window of its parameter set
 * (`parameterSetFor`). A change adds risk when any of these holds:
 * - a position is opened in a new instrument, or the net size of an instrument grows in absolute value or flips sign;
 * - collateral is withdrawn: the amount of any (chainId, asset) falls (a deposit or a new item does not add risk);
 * - the requirement under the set the account is margined under, at the same market, rises (`imAfterUsd8 >
 *   imBeforeUsd8`): closing one leg of a hedge shrinks every size but can raise the requirement.
 * Anything else (closing or reducing positions without raising the requirement, deposits, settling P&L) does not.
 * @param imBeforeUsd8 IM (or MM, the same measure on both sides) of `before` under the pinned set, usd8
 * @param imAfterUsd8 the same of `after`, at the same market and set
 */
export function addsRisk(before: PortfolioAccount, after: PortfolioAccount, imBeforeUsd8: bigint, imAfterUsd8: bigint): RiskAddition {
  const reasons: string[] = []
  const net = (a: PortfolioAccount) => {
    const m = new Map<string, bigint>()
    for (const p of a.positions) m.set(instrumentKey(p.instrument), (m.get(instrumentKey(p.instrument)) ?? 0n) + p.size)
    return m
  }
  const was = net(before)
  for (const [key, size] of net(after)) {
    const old = was.get(key) ?? 0n
    const abs = (x: bigint) => (x < 0n ? -x : x)
    if (size === 0n) continue
    if (old === 0n) reasons.push(`opened ${key}`)
    else if (old < 0n !== size < 0n) reasons.push(`flipped ${key}`)
    else if (abs(size) > abs(old)) reasons.push(`increased ${key}`)
  }
  const held = (a: PortfolioAccount) => {
    const m = new Map<string, bigint>()
    for (const c of a.collateral) m.set(`${c.chainId}:${c.asset}`, (m.get(`${c.chainId}:${c.asset}`) ?? 0n) + c.amount)
    return m
  }
  const now = held(after)
  for (const [key, amount] of held(before)) if ((now.get(key) ?? 0n) < amount) reasons.push(`withdrew ${key}`)
  if (imAfterUsd8 > imBeforeUsd8) reasons.push('raised the requirement')
  return { adds: reasons.length > 0, reasons }
}
