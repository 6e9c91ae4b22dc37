import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const module = fileURLToPath(new URL('./stdoutPipe.ts', import.meta.url))

/** A child that writes far more than a pipe buffer holds to its stdout; the parent closes the pipe at once. */
function writeIntoClosedPipe(install: boolean): Promise<{ code: number | null; stderr: string }> {
  const script = `
    ${install ? `const { exitQuietlyOnClosedPipe } = await import(${JSON.stringify(module)}); exitQuietlyOnClosedPipe()` : ''}
    const line = 'x'.repeat(1023) + '\\n'
    for (let i = 0; i < 4096; i++) process.stdout.write(line)
  `
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString()
    })
    child.stdout.destroy()
    child.on('close', (code) => resolve({ code, stderr }))
  })
}

describe('exitQuietlyOnClosedPipe', () => {
  it('ends the process with code 0 and no stack when the reader of stdout goes away', async () => {
    const { code, stderr } = await writeIntoClosedPipe(true)
    expect(stderr).toBe('')
    expect(code).toBe(0)
  })

  it('is what prevents the crash: without it the same writes fail with EPIPE', async () => {
    const { code, stderr } = await writeIntoClosedPipe(false)
    expect(code).not.toBe(0)
    expect(stderr).toContain('EPIPE')
  })
})
