import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../../../..', import.meta.url))
const outbox = join(root, 'packages/db/src/outbox')

/** Production TypeScript under `dir`: tests and test fixtures (`*.test.ts`, `_test/`, `testing.ts`, `testbed.ts`) aside. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name === 'dist' || entry.name === '_test' ? [] : sources(path)
    return /\.ts$/.test(entry.name) && !/\.test\.ts$|^testing\.ts$|^testbed\.ts$/.test(entry.name) ? [path] : []
  })
}

/** A write to `commands` or `command_transitions`, through drizzle or in SQL. */
const WRITE = [
  /\.(insert|update|delete)\(\s*(commands|commandTransitions)\s*\)/,
  /\b(insert\s+into|update|delete\s+from)\s+(commands|command_transitions)\b(?!\s+(that|it|are|of|to|in)\b)/i,
  /\b(insert\s+into|update|delete\s+from)\s+\$\{(commands|commandTransitions)\}/i,
]

describe('the outbox module owns the command tables', () => {
  it('is the only production code that inserts, updates or deletes commands and command transitions', () => {
    const files = ['packages', 'services'].flatMap((top) =>
      readdirSync(join(root, top), { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .flatMap((d) => {
          const src = join(root, top, d.name, 'src')
          try {
            return sources(src)
          } catch {
            return []
          }
        }),
    )
    expect(files.length).toBeGreaterThan(100)
    const writers = files
      .filter((file) => !file.startsWith(`${outbox}/`))
      .flatMap((file) =>
        readFileSync(file, 'utf8')
          .split('\n')
          .flatMap((line, i) => (WRITE.some((w) => w.test(line)) ? [`${relative(root, file)}:${i + 1}: ${line.trim()}`] : [])),
      )
    expect(writers).toEqual([])
    // the patterns do find the module's own writes
    const own = sources(outbox).filter((file) => WRITE.some((w) => w.test(readFileSync(file, 'utf8'))))
    expect(own.map((f) => relative(outbox, f)).sort()).toEqual(expect.arrayContaining(['claim.ts', 'restore.ts', 'transition.ts', 'write.ts']))
  })
})
