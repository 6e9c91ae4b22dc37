import pino, { type DestinationStream, type Logger } from 'pino'
import pretty from 'pino-pretty'
import pc from 'picocolors'

/** `pretty`: one readable line per entry (pino-pretty); `json`: pino's JSON lines, for log shippers. */
export type LogFormat = 'pretty' | 'json'

export type CreateNodeLoggerParameters = {
  /** pino level; default `LOG_LEVEL`, else `info` */
  level?: string | undefined
  /** default `pretty` when the destination is a terminal, `json` otherwise (a pipe, a file, a container's log driver) */
  format?: LogFormat | undefined
  /** where lines go; default standard output */
  destination?: DestinationStream & { isTTY?: boolean }
  /** colour pretty lines; default picocolors' detection (a colour terminal, `NO_COLOR` unset, or `FORCE_COLOR`) */
  colorize?: boolean
}

/**
 * The node's logger: pino, pretty-printed by pino-pretty (synchronously, in this thread: nothing is lost on exit) on
 * a terminal and JSON elsewhere, so `unimargin start | jq` and log shippers get JSON while a person at a terminal
 * reads `[12:00:01.123] INFO (watcher): Ingested range …`. Colours follow picocolors (`NO_COLOR`, `FORCE_COLOR`).
 */
export function createNodeLogger(parameters: CreateNodeLoggerParameters = {}): Logger {
  const level = parameters.level ?? process.env.LOG_LEVEL ?? 'info'
  const destination = parameters.destination ?? process.stdout
  const format = parameters.format ?? (destination.isTTY ? 'pretty' : 'json')
  if (format === 'json') return pino({ level }, destination === process.stdout ? undefined : destination)
  const stream = pretty({
    destination,
    sync: true,
    colorize: parameters.colorize ?? pc.isColorSupported,
    translateTime: 'HH:MM:ss.l',
    ignore: 'pid,hostname,service',
    messageFormat: '{if service}({service}) {end}{msg}',
  })
  return pino({ level }, stream)
}
