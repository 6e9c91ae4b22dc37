import { createLogUpdate } from 'log-update'

/**
 * A block of lines kept at the bottom of a terminal and redrawn in place (log-update), with log lines written above
 * it: `destination` is a stream for the logger that clears the block, writes the line and draws the block again, so
 * logs and the live progress do not overwrite each other.
 */
export type ProgressPanel = {
  /** draws `lines` in place of the previous block */
  show(lines: string[]): void
  /** removes the block from the terminal (it is drawn again at the next `show` or log line) */
  clear(): void
  /** leaves the last block on the terminal and stops redrawing it */
  done(): void
  /** the logger's destination: writes above the block */
  destination: { write(chunk: string): boolean; isTTY: true }
}

/** Creates a {@link ProgressPanel} on `stream` (default standard error, so standard output stays the command's own). */
export function createProgressPanel(stream: NodeJS.WriteStream = process.stderr): ProgressPanel {
  const update = createLogUpdate(stream)
  let current = ''
  let finished = false
  return {
    show(lines) {
      if (finished) return
      current = lines.join('\n')
      update(current)
    },
    clear() {
      update.clear()
    },
    done() {
      if (!finished) update.done()
      finished = true
    },
    destination: {
      isTTY: true,
      write(chunk: string) {
        if (finished || current === '') return stream.write(chunk)
        update.clear()
        const ok = stream.write(chunk)
        update(current)
        return ok
      },
    },
  }
}
