import { type ChildProcess, spawn } from 'node:child_process'
import { anvilBinary } from '@unimargin/devnet'
import { createTestClient, http, publicActions } from 'viem'
import { foundry } from 'viem/chains'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findForkPoint, type StoredBlock } from './forkPoint.js'

const PORT = 45250

describe('findForkPoint on anvil', () => {
  let anvil: ChildProcess
  const client = createTestClient({ mode: 'anvil', chain: foundry, transport: http(`http://127.0.0.1:${PORT}`) }).extend(publicActions)
  /** blocks 1-10 as first mined, then blocks 6-12 of another history */
  let old: StoredBlock[]

  beforeAll(async () => {
    anvil = spawn(anvilBinary(), ['--host', '127.0.0.1', '--port', String(PORT), '--chain-id', '31337', '--silent'], { stdio: 'ignore' })
    for (let i = 0; ; i++) {
      try {
        await client.getChainId()
        break
      } catch (error) {
        if (i > 300) throw error
        await new Promise((r) => setTimeout(r, 100))
      }
    }
    await client.mine({ blocks: 5 })
    const snapshot = await client.snapshot()
    await client.mine({ blocks: 5 })
    old = []
    for (let n = 1n; n <= 10n; n++) old.push({ blockNumber: n, blockHash: (await client.getBlock({ blockNumber: n })).hash })
    await client.revert({ id: snapshot })
    const five = await client.getBlock({ blockNumber: 5n })
    await client.setNextBlockTimestamp({ timestamp: five.timestamp + 1000n })
    await client.mine({ blocks: 7 })
  }, 60_000)
  afterAll(() => {
    anvil?.kill()
  })

  it('returns the highest stored block the new history still has', async () => {
    expect(await client.getBlockNumber()).toBe(12n)
    expect((await client.getBlock({ blockNumber: 6n })).hash).not.toBe(old[5]!.blockHash)
    expect(await findForkPoint(client, old)).toEqual(old[4])
    // only some heights stored: the highest canonical among them, whatever their order
    expect(await findForkPoint(client, [old[9]!, old[1]!, old[7]!, old[3]!, old[5]!])).toEqual(old[3])
  })

  it('returns undefined when every stored block was replaced, and the highest when none was', async () => {
    expect(await findForkPoint(client, [old[6]!, old[8]!])).toBeUndefined()
    expect(await findForkPoint(client, [])).toBeUndefined()
    expect(await findForkPoint(client, old.slice(0, 4))).toEqual(old[3])
  })

  it('counts a stored block above the new head as replaced', async () => {
    const beyond = { blockNumber: 40n, blockHash: `0x${'ab'.repeat(32)}` }
    expect(await findForkPoint(client, [...old.slice(0, 5), beyond])).toEqual(old[4])
  })
})
