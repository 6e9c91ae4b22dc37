import { LzEndpointV2 } from '@unimargin/contracts'
import { commands, commandTransitions, type Database, eq, testDatabases } from '@unimargin/db'
import { DEVNET_TIMELOCK_DELAY_SECONDS, type Devnet, startDevnet } from '@unimargin/devnet'
import { lzReceiveArgs, verifyPacket } from '@unimargin/devnet/testing'
import { createLocalGuardianAttester, decodePacket, encodeCommand } from '@unimargin/protocol'
import { createRelayer } from '@unimargin/relayer'
import { devnetKeyCoSigners } from '@unimargin/relayer/testing'
import pino from 'pino'
import { type Hex, keccak256, parseEventLogs, toHex, zeroHash } from 'viem'
import { privateKeyToAccount, privateKeyToAddress } from 'viem/accounts'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { burnDeadPacket, CannotBurnError } from './burn.js'
import { NotDeadLetteredError } from './commands.js'

const BASE_PORT = 22845
const logger = pino({ level: 'silent' })

describe.each(testDatabases())('burning dead-lettered LayerZero packets on $kind', ({ open }) => {
  let devnet: Devnet
  let database: Database
  let ids = 0
  beforeAll(async () => {
    devnet = await startDevnet({ chains: 2, basePort: BASE_PORT, routes: { 31338: 'layerzero' } })
  })
  afterAll(() => devnet?.stop())
  beforeEach(async () => {
    database = await open()
  })
  afterEach(() => database?.close())

  const spoke = () => devnet.chains[1]!
  const endpoint = () => spoke().addresses.layerzero.endpoint
  const relayer = () =>
    createRelayer({
      db: database.db,
      config: { ...devnet.config, relayer: { ...devnet.config.relayer, baseDelayMs: 1, maxDelayMs: 5, maxAttempts: 3 } },
      logger,
      attester: createLocalGuardianAttester({ keys: devnet.keys.guardians, guardianSetIndex: 0 }),
      coSigners: devnetKeyCoSigners(devnet),
    })
  const row = async (id: Hex) => (await database.db.select().from(commands).where(eq(commands.id, id)))[0]!
  const now = async () => (await spoke().publicClient.getBlock()).timestamp

  /** Queues a Lock of user `user` at `lockEpoch` to the spoke, expiring `ttl` seconds from the spoke's clock. */
  async function enqueue(user: number, lockEpoch: number, ttl: bigint) {
    const id = keccak256(toHex(`burn-test-${Date.now()}-${ids++}`))
    const c = spoke()
    const account = privateKeyToAddress(devnet.keys.users[user]!)
    const expiry = (await now()) + ttl
    const payload = encodeCommand({ kind: 'Lock', commandId: id, destChainId: BigInt(c.chainId), vault: c.addresses.vault, expiry, account, lockEpoch })
    await database.db.insert(commands).values({ id, kind: 'Lock', account, destChainId: c.chainId, vault: c.addresses.vault, payload, expiry, cause: 'test' })
    return id
  }
  /** Ticks `r`, mining a block on every chain in between, until every command's state passes `done`. */
  async function runUntil(r: ReturnType<typeof relayer>, idsToWatch: Hex[], done: (state: string) => boolean) {
    // bounded by time, not ticks: the relayer reschedules a command waiting for finality by the chain's announced pace
    for (const deadline = Date.now() + 30_000; Date.now() < deadline; ) {
      await r.tick()
      if ((await Promise.all(idsToWatch.map(row))).every((x) => done(x.state))) return
      await Promise.all(devnet.chains.map((c) => devnet.mine(c.chainId)))
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    throw new Error(`commands did not settle: ${JSON.stringify((await Promise.all(idsToWatch.map(row))).map((x) => [x.state, x.lastError]))}`)
  }
  /** A command verified at the spoke (by the DVN) and then dead-lettered because it expired before execution. */
  async function deadVerified(user: number, lockEpoch: number) {
    const r = relayer()
    const id = await enqueue(user, lockEpoch, 30n)
    await runUntil(r, [id], (s) => s === 'published')
    const s = spoke()
    const wallet = s.wallet(devnet.keys.relayer)
    await verifyPacket({ publicClient: s.publicClient, wallet, endpoint: endpoint(), receiveLib: s.addresses.layerzero.receiveLib, worker: s.addresses.layerzero.worker }, await packetOf(id))
    await spoke().testClient.increaseTime({ seconds: 60 })
    await devnet.mine(spoke().chainId)
    await runUntil(r, [id], (s) => s === 'dead')
    return { id, r }
  }
  async function packetOf(id: Hex) {
    const [published] = await database.db.select().from(commandTransitions).where(eq(commandTransitions.commandId, id))
    const receipt = await devnet.chains[0]!.publicClient.getTransactionReceipt({ hash: published!.detail.tx as Hex })
    return decodePacket(parseEventLogs({ abi: LzEndpointV2.abi, logs: receipt.logs, eventName: 'PacketSent' })[0]!.args.encodedPayload)
  }
  const storedHash = (p: { srcEid: number; sender: Hex; nonce: bigint }) =>
    spoke().publicClient.readContract({ address: endpoint(), abi: LzEndpointV2.abi, functionName: 'inboundPayloadHash', args: [spoke().addresses.vault, p.srcEid, p.sender, p.nonce] })
  const burn = (commandId: string, key: Hex = devnet.keys.deployer) => burnDeadPacket({ db: database.db, config: devnet.config, commandId, delegateKey: key, reason: 'expired; must never execute' })
  /**
   * Burns through the vault's delegate, its timelock: the first call schedules, a call before the delay finds the
   * batch pending, and one after the delay executes it.
   */
  async function burnThroughTimelock(commandId: string) {
    const scheduled = await burn(commandId)
    const readyAt = scheduled.find((p) => p.action === 'scheduled')?.readyAt
    expect(readyAt).toBe((await now()) + BigInt(DEVNET_TIMELOCK_DELAY_SECONDS))
    expect(await burn(commandId)).toEqual(scheduled)
    await spoke().testClient.increaseTime({ seconds: DEVNET_TIMELOCK_DELAY_SECONDS })
    await devnet.mine(spoke().chainId)
    return { scheduled, done: await burn(commandId) }
  }

  it("burns a dead command's packet that stays verified after a later packet executed, so nobody can execute it", async () => {
    const { id, r } = await deadVerified(0, 1)
    const later = await enqueue(0, 2, 3600n)
    await runUntil(r, [later], (s) => s === 'executed')
    const packet = await packetOf(id)
    expect(await storedHash(packet)).toBe(packet.payloadHash)

    await expect(burn(later)).rejects.toBeInstanceOf(NotDeadLetteredError)
    await expect(burn(id, devnet.keys.relayer)).rejects.toThrow(CannotBurnError)
    const { scheduled, done } = await burnThroughTimelock(id)
    expect(scheduled).toMatchObject([{ nonce: packet.nonce, action: 'scheduled', note: 'burn', payloadHash: packet.payloadHash }])
    const [burnt] = done

    expect(burnt).toMatchObject({ nonce: packet.nonce, action: 'burn', payloadHash: packet.payloadHash })
    expect(await storedHash(packet)).toBe(zeroHash)
    const receipt = await spoke().publicClient.getTransactionReceipt({ hash: burnt!.tx! })
    expect(parseEventLogs({ abi: LzEndpointV2.abi, logs: receipt.logs, eventName: 'PacketBurnt' })).toHaveLength(1)
    await expect(
      spoke().publicClient.simulateContract({
        account: privateKeyToAccount(devnet.keys.relayer),
        address: endpoint(),
        abi: LzEndpointV2.abi,
        functionName: 'lzReceive',
        args: lzReceiveArgs(packet, spoke().addresses.vault),
      }),
    ).rejects.toThrow(/LZ_PayloadHashNotFound/)
    const transitions = await database.db.select().from(commandTransitions).where(eq(commandTransitions.commandId, id)).orderBy(commandTransitions.id)
    expect(transitions.at(-1)).toMatchObject({
      fromState: 'dead',
      toState: 'dead',
      detail: {
        operator_burn: true,
        reason: 'expired; must never execute',
        delegate: spoke().addresses.timelock,
        executor: privateKeyToAddress(devnet.keys.deployer),
        packets: [{ nonce: String(packet.nonce), action: 'burn', tx: burnt!.tx }],
      },
    })
    expect(transitions.at(-2)).toMatchObject({ detail: { operator_burn_scheduled: true, timelock: spoke().addresses.timelock, tx: scheduled[0]!.tx } })
    expect((await row(id)).state).toBe('dead')
    await expect(burn(id)).rejects.toThrow(/executed or removed already/)
  })

  it("clears a dead command's verified packet when no later packet has executed yet, and the path goes on", async () => {
    const { id, r } = await deadVerified(1, 1)
    const packet = await packetOf(id)
    const [cleared] = (await burnThroughTimelock(id)).done
    expect(cleared).toMatchObject({ nonce: packet.nonce, action: 'clear' })
    expect(await storedHash(packet)).toBe(zeroHash)
    const later = await enqueue(1, 2, 3600n)
    await runUntil(r, [later], (s) => s === 'executed' || s === 'dead')
    expect(await row(later)).toMatchObject({ state: 'executed', outcome: 'applied' })
  })
})
