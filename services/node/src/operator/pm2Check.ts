import { readdirSync, readFileSync, statSync } from 'node:fs'
import { basename, join } from 'node:path'
import {
  DERIVE_TOLERANCE,
  DeriveCaseError,
  type DeriveMarginOptions,
  DeriveRejectedError,
  checkDeriveCase,
  parseDeriveCase,
} from '@unimargin/risk'

/** A figure of ours beside the file's, 1e18 fixed point. */
export type Pm2Pair = { ours: bigint; expected: bigint }

/** One case file's outcome. */
export type Pm2CaseReport =
  | {
      file: string
      /** `ok`: every figure within tolerance; `off`: at least one is not */
      status: 'ok' | 'off'
      mm: Pm2Pair
      im: Pm2Pair
      /** worst scenario (index in `Parameters.Scenarios`, or the scenario count for the basis contingency) */
      worst: { index: number; name: string }
      /** largest relative error over MM, IM and every scenario loss */
      maxRelativeError: number
      /** figures outside tolerance: field, ours, the file's, error */
      failures: { field: string; ours: bigint; expected: bigint; error: number; kind: 'relative' | 'absolute' }[]
    }
  /** Derive's setters refuse the case's parameters (the contract reverts), so there is no margin to compare */
  | { file: string; status: 'rejected'; contractError: string; reason: string }
  /** the file could not be read, parsed or margined */
  | { file: string; status: 'unreadable'; reason: string }

/** Outcome of {@link checkPm2Cases}; `ok` is true when no case is `off` or `unreadable`. */
export type Pm2CheckReport = { tolerance: number; cases: Pm2CaseReport[]; ok: boolean }

/**
 * The case files named by `paths`: a directory means every `*.json` directly inside it (sorted by name), a file is
 * taken as is. A path that does not exist is returned too, and reported unreadable by {@link checkPm2Cases}.
 */
export function listPm2CaseFiles(paths: string[]): string[] {
  return paths.flatMap((p) => {
    let isDir = false
    try {
      isDir = statSync(p).isDirectory()
    } catch {
      return [p]
    }
    if (!isDir) return [p]
    return readdirSync(p)
      .filter((f) => f.endsWith('.json'))
      .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
      .map((f) => join(p, f))
  })
}

/**
 * Margins every Derive-format PMRM_2 case file under `paths` with `@unimargin/risk`'s Derive mode and compares MM,
 * IM, each scenario loss (relative) and collateral MTM (absolute) with the file's `Result`, as Derive's Foundry runner
 * does.
 * @param tolerance relative (and, for collateral MTM, absolute) tolerance; Derive's is 1e-8
 * @param options `{ exactScenarios: 'all' }` computes every scenario loss in fixed point (default: only those that
 * can be the worst; the others are float64 estimates within a proven bound of it, see `deriveMargin`)
 */
export function checkPm2Cases(
  paths: string[],
  tolerance = DERIVE_TOLERANCE,
  options: DeriveMarginOptions = {},
): Pm2CheckReport {
  const cases = listPm2CaseFiles(paths).map((file) => checkOne(file, tolerance, options))
  return { tolerance, cases, ok: cases.every((c) => c.status === 'ok' || c.status === 'rejected') }
}

function checkOne(file: string, tolerance: number, options: DeriveMarginOptions): Pm2CaseReport {
  try {
    const check = checkDeriveCase(parseDeriveCase(JSON.parse(readFileSync(file, 'utf8'))), tolerance, options)
    const { result } = check
    const failures = check.fields
      .filter((f) => !f.ok)
      .map(({ field, ours, expected, error, kind }) => ({ field, ours, expected, error, kind }))
    const pick = (field: string) => check.fields.find((f) => f.field === field)!
    return {
      file,
      status: check.ok ? 'ok' : 'off',
      mm: { ours: result.mm, expected: pick('MM').expected },
      im: { ours: result.im, expected: pick('IM').expected },
      worst: { index: result.worst.index, name: result.worst.name },
      maxRelativeError: check.maxRelativeError,
      failures,
    }
  } catch (e) {
    if (e instanceof DeriveRejectedError)
      return { file, status: 'rejected', contractError: e.contractError, reason: e.message }
    const reason = e instanceof DeriveCaseError || e instanceof Error ? e.message : String(e)
    return { file, status: 'unreadable', reason }
  }
}

/** 1e18 fixed point as an exact decimal string (trailing zeros dropped). */
export function formatE18(x: bigint): string {
  const negative = x < 0n
  const m = negative ? -x : x
  const frac = (m % 10n ** 18n).toString().padStart(18, '0').replace(/0+$/, '')
  return `${negative ? '-' : ''}${m / 10n ** 18n}${frac === '' ? '' : `.${frac}`}`
}

const money = (x: bigint) => (Number(x) / 1e18).toFixed(6)

/** The lines `unimargin pm2 check` prints: one per case, the figures off tolerance, then a summary. */
export function formatPm2Check(report: Pm2CheckReport): string[] {
  const lines: string[] = []
  for (const c of report.cases) {
    const name = basename(c.file, '.json')
    if (c.status === 'rejected')
      lines.push(`${'rejected'.padEnd(12)}${name}: ${c.reason}; upstream skips it, not compared`)
    else if (c.status === 'unreadable') lines.push(`${'UNREADABLE'.padEnd(12)}${name}: ${c.reason}`)
    else {
      lines.push(
        [
          `${(c.status === 'ok' ? 'ok' : 'OFF').padEnd(12)}${name}`,
          `MM ${money(c.mm.ours)} (file ${money(c.mm.expected)})`,
          `IM ${money(c.im.ours)} (file ${money(c.im.expected)})`,
          `worst ${c.worst.name} [#${c.worst.index}]`,
          `max rel err ${c.maxRelativeError.toExponential(2)}`,
        ].join('  '),
      )
      for (const f of c.failures)
        lines.push(
          `    ${f.field}: ours ${formatE18(f.ours)} file ${formatE18(f.expected)} (${f.kind} error ${f.error.toExponential(2)})`,
        )
    }
  }
  const count = (s: Pm2CaseReport['status']) => report.cases.filter((c) => c.status === s).length
  lines.push(
    `${count('ok')} within ${report.tolerance}, ${count('off')} off, ` +
      `${count('rejected')} rejected by Derive's setters, ${count('unreadable')} unreadable (${report.cases.length} files).`,
  )
  const bad = report.cases
    .filter((c) => c.status === 'off' || c.status === 'unreadable')
    .map((c) => basename(c.file, '.json'))
  if (bad.length > 0) lines.push(`Failing: ${bad.join(', ')}`)
  return lines
}

/** The report as JSON-ready data: 1e18 figures as exact decimal strings. */
export function pm2CheckJson(report: Pm2CheckReport): unknown {
  return JSON.parse(JSON.stringify(report, (_, v) => (typeof v === 'bigint' ? formatE18(v) : v)))
}
