#!/usr/bin/env -S node --import tsx
import { CommanderError } from 'commander'
import { program } from './cli.js'
import { ExitCode } from './exitCode.js'
import { exitQuietlyOnClosedPipe } from './stdoutPipe.js'

exitQuietlyOnClosedPipe()

program.parseAsync(process.argv).catch(async (error: unknown) => {
  // commander has printed its own usage error (or the help, with exit code 0)
  if (error instanceof CommanderError) process.exit(error.exitCode === 0 ? ExitCode.ok : ExitCode.usage)
  // loaded only now: telling other errors apart needs the services' error classes, which --help and a usage error
  // do not wait for
  const { exitCodeOf } = await import('./exitCodes.js')
  console.error(error instanceof Error ? error.message : error)
  process.exit(exitCodeOf(error))
})
