import { createChainPublicClient } from '@unimargin/chains'
import { MarginHub } from '@unimargin/contracts'
import { DEVNET_COSIGNER_DELAY_SECONDS, DEVNET_COSIGNER_THRESHOLD, type Devnet, startDevnet, throughTimelock } from '@unimargin/devnet'
import pino from 'pino'
import { privateKeyToAccount, privateKeyToAddress } from 'viem/accounts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHubThreshold } from './hubThreshold.js'

const BASE_PORT = 45100
const log = pino({ level: 'silent' })

/** Polls `probe` every 50 ms until it returns a truthy value; fails after `timeoutMs`. */
async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

describe("the relayer's co-signature threshold comes from MarginHub", () => {
  let devnet: Devnet
  beforeAll(async () => {
    devnet = await startDevnet({ chains: 1, basePort: BASE_PORT })
  }, 60_000)
  afterAll(async () => {
    await devnet?.stop()
  })

  it('reads the hub’s threshold, ignoring a different configured one, and follows a change made through the timelock', async () => {
    const hub = devnet.chains[0]!
    const threshold = createHubThreshold({ client: hub.publicClient, hub: devnet.hub.address, fallback: 1, log, freshMs: 0 })
    expect(await threshold()).toBe(DEVNET_COSIGNER_THRESHOLD)

    // the owner raises it to 3 of 3: proposed through the timelock, executable after the hub's own delay
    await throughTimelock(hub, { address: devnet.hub.address, abi: MarginHub.abi, functionName: 'proposeCoSigners', args: [devnet.keys.coSigners.map((k) => privateKeyToAddress(k)).sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1)), 3] })
    await hub.testClient.increaseTime({ seconds: DEVNET_COSIGNER_DELAY_SECONDS + 1 })
    await hub.testClient.mine({ blocks: 1 })
    const { request } = await hub.publicClient.simulateContract({ address: devnet.hub.address, abi: MarginHub.abi, functionName: 'executeCoSigners', account: privateKeyToAccount(devnet.keys.relayer) })
    expect((await hub.publicClient.waitForTransactionReceipt({ hash: await hub.wallet(devnet.keys.relayer).writeContract(request) })).status).toBe('success')

    expect(await until('the new threshold to be read', async () => (await threshold()) === 3)).toBe(true)
  })

  it('uses the configured threshold only while the hub cannot be read, and without one reports the failure', async () => {
    const unreachable = createChainPublicClient({ ...devnet.config.chains[0]!, rpcUrl: `http://127.0.0.1:${BASE_PORT + 99}` })
    expect(await createHubThreshold({ client: unreachable, hub: devnet.hub.address, fallback: 2, log })()).toBe(2)
    await expect(createHubThreshold({ client: unreachable, hub: devnet.hub.address, log })()).rejects.toThrow()
  })
})
