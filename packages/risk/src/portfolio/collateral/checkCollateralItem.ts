import { InvalidInputError } from '../errors.js'
import type { PortfolioCollateral } from '../types.js'

const isBps = (x: number) => Number.isInteger(x) && x >= 0 && x <= 10_000

/**
 * Checks the optional risk fields of a collateral item: `mmHaircutBps` and `imHaircutBps` integers in 0..10 000 with
 * IM ≥ MM (IM must cover at least what MM covers, as Derive's `IMHaircut` ≥ `MMHaircut`), and `routeBreakLossBps` an
 * integer in 0..10 000. An item without these fields always passes.
 * @throws {InvalidInputError} naming the item and the field out of range
 */
export function checkCollateralItem(item: PortfolioCollateral): void {
  const name = `${item.symbol} on chain ${item.chainId}`
  const mm = item.mmHaircutBps ?? item.haircutBps
  const im = item.imHaircutBps ?? mm
  if (item.mmHaircutBps !== undefined && !isBps(item.mmHaircutBps)) throw new InvalidInputError(`The MM haircut of ${name} (${item.mmHaircutBps} bps) is not an integer within 0..10000.`)
  if (item.imHaircutBps !== undefined && !isBps(item.imHaircutBps)) throw new InvalidInputError(`The IM haircut of ${name} (${item.imHaircutBps} bps) is not an integer within 0..10000.`)
  if (im < mm) throw new InvalidInputError(`The IM haircut of ${name} (${im} bps) is below its MM haircut (${mm} bps).`)
  const loss = item.routeBreakLossBps
  if (loss !== undefined && !isBps(loss)) throw new InvalidInputError(`The route-break loss of ${name} (${loss} bps) is not an integer within 0..10000.`)
}
