import { InvalidArgumentError, Option } from 'commander'

/** A positive number of seconds (`--shutdown-timeout`). @throws {InvalidArgumentError} otherwise (exit code 64). */
export const seconds = (value: string): number => {
  const n = Number(value)
  if (!(Number.isFinite(n) && n > 0)) throw new InvalidArgumentError('must be a positive number of seconds')
  return n
}

/** A TCP port, 0-65535 (0: any free port). @throws {InvalidArgumentError} otherwise (exit code 64). */
export const port = (value: string): number => {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0 || n > 65_535) throw new InvalidArgumentError('must be a port number (0-65535)')
  return n
}

/** `--layerzero 2,3`: chain numbers 1-3, or `none`. @throws {InvalidArgumentError} for anything else. */
export const parseLayerZeroChains = (value: string): number[] => {
  if (value === 'none') return []
  const chains = value.split(',').map((v) => Number(v.trim()))
  if (chains.some((i) => !(Number.isInteger(i) && i >= 1 && i <= 3))) throw new InvalidArgumentError('takes chain numbers 1, 2 or 3, comma-separated, or "none"')
  return chains
}

/** `--log-format`: pretty lines on a terminal, JSON elsewhere unless asked (see logger.ts). */
export const logFormatOption = (): Option =>
  new Option('--log-format <format>', 'pretty (readable lines; default on a terminal) or json (default otherwise)').choices(['pretty', 'json'])

/** `--data-dir`: the PGlite data directory of the commands that open the node's database. */
export const DATA_DIR_HELP = 'PGlite data directory when DATABASE_URL is not set'
/** The default PGlite data directory of the hub node. */
export const DEFAULT_DATA_DIR = '.unimargin/data'
