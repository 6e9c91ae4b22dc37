#!/usr/bin/env -S node --import tsx
import { CommanderError } from 'commander'
import { program } from './cli.js'
import { ExitCode, exitCodeOf } from './exitCodes.js'
import { exitQuietlyOnClosedPipe } from './stdoutPipe.js'

exitQuietlyOnClosedPipe()

program.parseAsync(process.argv).catch((error: unknown) => {
  // commander has printed its own usage error (or the help, with exit code 0)
  if (error instanceof CommanderError) process.exit(error.exitCode === 0 ? ExitCode.ok : ExitCode.usage)
  console.error(error instanceof Error ? error.message : error)
  process.exit(exitCodeOf(error))
})
