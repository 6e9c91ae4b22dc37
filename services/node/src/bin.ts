#!/usr/bin/env -S node --import tsx
import { program } from './cli.js'
import { exitQuietlyOnClosedPipe } from './stdoutPipe.js'

exitQuietlyOnClosedPipe()

program.parseAsync(process.argv).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error)
  process.exit(1)
})
