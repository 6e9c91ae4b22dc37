import { ApiListenError } from '@unimargin/aggregator'
import { ConfigError } from '@unimargin/chains'
import { DeploymentSpecError } from '@unimargin/deploy'
import { DatabaseConnectionError, DatabaseInUseError } from '@unimargin/db'
import { CommanderError, InvalidArgumentError } from 'commander'
import { ChainNotHaltedError } from './operator/chains.js'
import { NotDeadLetteredError, UnknownCommandStateError } from './operator/commands.js'
import { ExitCode } from './exitCode.js'
import { NodeUnreachableError } from './operator/nodeApi.js'

export { ExitCode } from './exitCode.js'

/** The exit code for an error that ended a command (see {@link ExitCode}). */
export function exitCodeOf(error: unknown): number {
  if (error instanceof InvalidArgumentError || (error instanceof CommanderError && error.exitCode !== 0)) return ExitCode.usage
  if (error instanceof ConfigError || error instanceof DeploymentSpecError) return ExitCode.config
  if (error instanceof DatabaseInUseError) return ExitCode.tryAgain
  if (error instanceof DatabaseConnectionError || error instanceof ApiListenError || error instanceof NodeUnreachableError) return ExitCode.unavailable
  if (error instanceof SyntaxError || error instanceof UnknownCommandStateError || error instanceof NotDeadLetteredError || error instanceof ChainNotHaltedError)
    return ExitCode.dataError
  return ExitCode.software
}
