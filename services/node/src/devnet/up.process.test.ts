import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { loadConfigFile } from '@unimargin/chains'
import { createPublicClient, http } from 'viem'
import { describe, expect, it } from 'vitest'

const bin = fileURLToPath(new URL('../bin.ts', import.meta.url))

describe('unimargin devnet up', () => {
  it('keeps the chains and co-signers up with a configuration a node can load, until Ctrl-C stops them all', async () => {
    const workDir = mkdtempSync(join(tmpdir(), 'unimargin-devnet-up-'))
    const child = spawn(process.execPath, ['--import', 'tsx', bin, 'devnet', 'up', '--base-port', '45720', '--cosigner-port', '45730', '--work-dir', workDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.on('data', (d) => {
      output += String(d)
    })
    child.stderr.on('data', (d) => {
      output += String(d)
    })
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
    try {
      await new Promise<void>((resolve, reject) => {
        const poll = setInterval(() => {
          if (output.includes('Devnet up.')) {
            clearInterval(poll)
            resolve()
          }
        }, 200)
        void exited.then((code) => {
          clearInterval(poll)
          reject(new Error(`devnet up exited ${code} before it was up:\n${output}`))
        })
      })
      const config = await loadConfigFile(join(workDir, 'devnet.json'))
      expect(config.devnet).toBe(true)
      expect(config.chains.map((c) => c.rpcUrl)).toEqual(['http://127.0.0.1:45720', 'http://127.0.0.1:45721', 'http://127.0.0.1:45722'])
      for (const chain of config.chains) expect(await createPublicClient({ transport: http(chain.rpcUrl) }).getChainId()).toBe(chain.chainId)
      // the co-signers answer on their own APIs
      for (const url of config.coSigners?.urls ?? []) expect((await fetch(`${url}/health`)).status).toBe(200)
      expect(config.coSigners?.urls).toHaveLength(3)

      child.kill('SIGINT')
      expect(await exited).toBe(0)
      expect(output).toContain('Devnet stopped.')
      // nothing holds the ports afterwards
      await expect(createPublicClient({ transport: http(config.chains[0]!.rpcUrl, { retryCount: 0 }) }).getChainId()).rejects.toThrow()
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL')
      rmSync(workDir, { recursive: true, force: true })
    }
  }, 600_000)
})
