import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const module = fileURLToPath(new URL('./tableStyle.ts', import.meta.url))

/** What a child prints of a one-row table styled by tableStyle(), its stdout a pipe, under `env`. */
function printTable(env: Record<string, string | undefined>): Promise<string> {
  const script = `
    const { default: Table } = await import('cli-table3')
    const { tableStyle } = await import(${JSON.stringify(module)})
    const table = new Table({ head: ['account', 'health'], ...tableStyle() })
    table.push(['alice', '1.50'])
    process.stdout.write(table.toString())
  `
  const { NO_COLOR: _n, FORCE_COLOR: _f, ...base } = process.env
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...base, ...env }, cwd: fileURLToPath(new URL('..', import.meta.url)) })
    let out = ''
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString()
    })
    child.on('error', reject)
    child.on('close', () => resolve(out))
  })
}

describe('tableStyle', () => {
  it('prints tables without escape codes when stdout is piped', async () => {
    const out = await printTable({})
    expect(out).toContain('alice')
    expect(out).not.toContain('\x1b[')
  })

  it('keeps the table colours when FORCE_COLOR asks for them', async () => {
    expect(await printTable({ FORCE_COLOR: '1' })).toContain('\x1b[')
  })
})
