/**
 * Makes a closed reader end of standard output end the process quietly, as Unix tools do: `unimargin commands list |
 * head` must not crash with an unhandled `EPIPE` once `head` has read enough. Exits with code 0 (the reader chose to
 * stop); any other stream error is rethrown.
 * @param stream the stream to watch (default `process.stdout`)
 */
export function exitQuietlyOnClosedPipe(stream: NodeJS.WriteStream = process.stdout): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0)
    throw error
  })
}
