import { defineConfig } from '@unimargin/chains'
import { chainCheckpoints, testDatabases } from '@unimargin/db'
import { encodeCommand } from '@unimargin/protocol'
import { type Address, getAddress, keccak256, pad, toHex, zeroAddress, zeroHash } from 'viem'
import { describe, expect, it } from 'vitest'
import { checkCommand } from './checks.js'

const addr = (n: number): Address => getAddress(pad(toHex(n), { size: 20 }))
const config = defineConfig({
  hub: { chainId: 31337, address: addr(0x4b) },
  chains: [
    {
      name: 'hub',
      chainId: 31337,
      wormholeChainId: 2,
      rpcUrl: 'http://127.0.0.1:8545',
      wormhole: addr(0x10),
      vault: addr(0x11),
      assets: [{ symbol: 'USDC', address: addr(0x12), decimals: 6, feed: addr(0x13), haircutBps: 0 }],
    },
  ],
  markets: [],
  guardians: {},
  venue: { reporter: addr(0x7) },
  relayer: { privateKey: `0x${'11'.repeat(32)}` },
  liquidation: { receiver: addr(0xdead) },
})
const checkpoint = (asOfBlock: bigint, root: `0x${string}` = keccak256(toHex('root'))) =>
  encodeCommand({ kind: 'Checkpoint', commandId: keccak256(toHex(`checkpoint-${asOfBlock}`)), destChainId: 31337n, vault: addr(0x11), expiry: 2n ** 40n, account: zeroAddress, epoch: 1n, root, asOfBlock })

describe.each(testDatabases())('co-signing a Checkpoint on $kind', ({ open }) => {
  it('signs the zero root of an unused vault of a block its own watcher has passed, and refuses a checkpoint ahead of it', async () => {
    const { db, close } = await open()
    try {
      await db.insert(chainCheckpoints).values({ chainId: 31337, blockNumber: 100n, blockHash: zeroHash })
      const check = (payload: `0x${string}`) => checkCommand({ db, config, payload, toleranceBps: 100, nowSeconds: 0n, evidence: { leaves: [], otherVaults: [] } })
      expect(await check(checkpoint(40n, zeroHash))).toMatchObject({ sign: true })
      expect(await check(checkpoint(100n))).toMatchObject({ sign: false, status: 422, code: 'root_mismatch' })
      expect(await check(checkpoint(101n, zeroHash))).toMatchObject({ sign: false, status: 409, code: 'block_not_seen' })
    } finally {
      await close()
    }
  })
})
