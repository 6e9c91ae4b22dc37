import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const file = fileURLToPath(new URL('../../../../../shared/data/options/reference_values.json', import.meta.url))
const inCi = !!process.env.CI && process.env.CI !== 'false'

/**
 * The shared options reference file (../shared/data/options/reference_values.json beside the checkout), or
 * `undefined` with a warning when it is absent outside CI. In CI its absence is an error, so a missing file never
 * turns the reference tests into silent skips.
 */
export function loadOptionsReference(): OptionsReference | undefined {
  if (!existsSync(file)) {
    if (inCi) throw new Error(`The options reference file ${file} is missing; CI must run with ../shared beside the checkout.`)
    console.warn(`Skipping reference-value tests: ${file} is absent (run with ../shared beside the checkout).`)
    return undefined
  }
  return JSON.parse(readFileSync(file, 'utf8')) as OptionsReference
}

export type OptionsReference = {
  black_scholes: {
    hull_example: {
      inputs: { S: number; K: number; r: number; sigma: number; T: number; q: number }
      expected: { d1: number; d2: number; call: number; put: number; call_4dp: number; put_4dp: number }
    }
    haug_prices: {
      values: { type: 'Call' | 'Put'; strike: number; spot: number; q: number; r: number; t: number; vol: number; expected: number; tol: number }[]
    }
    haug_greeks: {
      values: { greek: string; type: 'Call' | 'Put'; K: number; S: number; q: number; r: number; t: number; vol: number; expected: number }[]
    }
  }
  span: {
    mcmillan_covered_write: {
      long_1_future: number[]
      long_1_dec410_call: number[]
      covered_write_long_future_short_call: number[]
      expected: { long_call_span_requirement: number; covered_write_span_requirement: number }
      derived_ratio_write_3fut_short5calls: { pnl: number[]; requirement: number }
    }
  }
}
