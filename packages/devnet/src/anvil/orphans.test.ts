import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { startAnvil } from './process.js'

const processModule = fileURLToPath(new URL('./process.ts', import.meta.url))
const PORT = 34_001

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

describe('anvils of a killed devnet', () => {
  it('are stopped by the next devnet on their port instead of holding it forever', async () => {
    // a devnet process that starts an anvil and is then killed with SIGKILL: no exit handler runs
    const script = `
      const { startAnvil } = await import(${JSON.stringify(processModule)})
      const anvil = await startAnvil({ port: ${PORT}, chainId: 4242 })
      process.stdout.write(JSON.stringify({ pid: anvil.pid }) + '\\n')
      setInterval(() => {}, 1000)
    `
    const owner = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] })
    const orphanPid = await new Promise<number>((resolve, reject) => {
      owner.stdout.on('data', (d: Buffer) => resolve((JSON.parse(d.toString()) as { pid: number }).pid))
      owner.once('exit', (code) => reject(new Error(`owner exited ${code}`)))
    })
    owner.kill('SIGKILL')
    await new Promise((r) => owner.once('exit', r))
    expect(isAlive(orphanPid)).toBe(true)

    const anvil = await startAnvil({ port: PORT, chainId: 4343 })
    try {
      expect(isAlive(orphanPid)).toBe(false)
      const res = await fetch(anvil.rpcUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }) })
      expect(Number(((await res.json()) as { result: string }).result)).toBe(4343)
    } finally {
      await anvil.stop()
    }
  }, 60_000)

  it('leaves an anvil whose devnet is still running alone', async () => {
    const first = await startAnvil({ port: PORT + 1, chainId: 4242 })
    try {
      await expect(startAnvil({ port: PORT + 1, chainId: 4242 })).rejects.toThrow(/in use|already/i)
      expect(isAlive(first.pid)).toBe(true)
    } finally {
      await first.stop()
    }
  }, 60_000)
})
