import { ApiListenError } from '@unimargin/aggregator'
import { ConfigError } from '@unimargin/chains'
import { DatabaseConnectionError, DatabaseInUseError } from '@unimargin/db'
import { CommanderError, InvalidArgumentError } from 'commander'
import { ChainNotHaltedError } from './operator/chains.js'
import { NotDeadLetteredError, UnknownCommandStateError } from './operator/commands.js'
import { NodeUnreachableError } from './operator/nodeApi.js'

/**
 * Exit codes of the `unimargin` binary, after BSD `sysexits.h` so scripts and supervisors can tell a bad invocation
 * from a bad config from a service that is not there:
 * | code | meaning |
 * |---|---|
 * | 0 | done |
 * | 1 | the command ran and its answer is "no" (node not ready, a Derive case off, an account the API refused) |
 * | 64 | usage: unknown option, bad argument (`EX_USAGE`) |
 * | 65 | bad input data: a file that is not JSON, an unknown command state, a chain to resume that is not halted (`EX_DATAERR`) |
 * | 69 | a service is unavailable: PostgreSQL, the API port, a node's API (`EX_UNAVAILABLE`) |
 * | 75 | try again later: the PGlite data dir is held by a running node (`EX_TEMPFAIL`) |
 * | 78 | the configuration is invalid (`EX_CONFIG`) |
 * | 70 | anything else: a bug (`EX_SOFTWARE`) |
 */
export const ExitCode = {
  ok: 0,
  answerNo: 1,
  usage: 64,
  dataError: 65,
  unavailable: 69,
  software: 70,
  tryAgain: 75,
  config: 78,
} as const

/** The exit code for an error that ended a command (see {@link ExitCode}). */
export function exitCodeOf(error: unknown): number {
  if (error instanceof InvalidArgumentError || (error instanceof CommanderError && error.exitCode !== 0)) return ExitCode.usage
  if (error instanceof ConfigError) return ExitCode.config
  if (error instanceof DatabaseInUseError) return ExitCode.tryAgain
  if (error instanceof DatabaseConnectionError || error instanceof ApiListenError || error instanceof NodeUnreachableError) return ExitCode.unavailable
  if (error instanceof SyntaxError || error instanceof UnknownCommandStateError || error instanceof NotDeadLetteredError || error instanceof ChainNotHaltedError)
    return ExitCode.dataError
  return ExitCode.software
}
