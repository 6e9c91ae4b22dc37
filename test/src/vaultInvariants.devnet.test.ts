/**
 * Stateful fuzzing of MarginVault on the devnet (real anvil, real Wormhole core, real LayerZero EndpointV2 and
 * ULN302, the vault as deployed: timelocked owner, guardian, co-signed MarginHub): fast-check draws sequences of
 * deposits, withdrawal requests, cancellations, hub commands of every kind (valid, forged, replayed, delivered over
 * Wormhole, LayerZero or both), pauses and unpauses, and after every step checks the vault's invariants:
 * - conservation: the vault's tokens equal the sum over accounts of balance + escrow (nothing appears or vanishes);
 * - solvency: the tokens cover every account's positive net claim (balance + escrow);
 * - no outflow without an approval: every token leaving the vault is a `WithdrawalExecuted` of a request the hub
 *   approved with a command it published;
 * - at most once: no command id executes twice, whatever was replayed or duplicated over the other transport.
 * Runs: `VAULT_FUZZ_RUNS` (default 20 in CI, 100 locally), 8 to 24 steps each; each run starts from the same snapshot
 * of both chains. Largest run recorded in the README (Trust model).
 */
import { LzEndpointV2, MarginHub, MarginVault, MockERC20 } from '@unimargin/contracts'
import { type Devnet, type DevnetChain, startDevnet, throughTimelock } from '@unimargin/devnet'
import { coSign, lzReceiveArgs, sentPackets, signTestVaa, verifyPacket } from '@unimargin/devnet/testing'
import { type Command, commandOptions, encodeCommand } from '@unimargin/protocol'
import fc from 'fast-check'
import { type Address, type Hex, keccak256, parseEventLogs, toHex } from 'viem'
import { privateKeyToAccount, privateKeyToAddress } from 'viem/accounts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const BASE_PORT = 36_545
const inCi = !!process.env.CI && process.env.CI !== 'false'
const RUNS = Number(process.env.VAULT_FUZZ_RUNS ?? (inCi ? 20 : 100))
const USDC = 10n ** 6n
/** keys that are not guardians: a VAA they sign is a forgery */
const FORGER = `0x${'66'.repeat(32)}` as Hex

type Transport = 'wormhole' | 'layerzero' | 'both'
type Step =
  | { t: 'deposit'; user: number; amount: number }
  | { t: 'request'; user: number; amount: number }
  | { t: 'cancel'; request: number }
  | { t: 'approve'; request: number; via: Transport }
  | { t: 'reject'; request: number; via: Transport }
  | { t: 'lock'; user: number; via: Transport }
  | { t: 'unlock'; user: number; via: Transport }
  | { t: 'seize'; user: number; amount: number; via: Transport }
  | { t: 'replay' }
  | { t: 'forge'; request: number }
  | { t: 'pause' }
  | { t: 'unpause' }

const user = fc.integer({ min: 0, max: 2 })
const amount = fc.integer({ min: 1, max: 1_000 })
const index = fc.nat({ max: 50 })
const via = fc.constantFrom<Transport>('wormhole', 'layerzero', 'both')
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ t: fc.constant('deposit' as const), user, amount }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('request' as const), user, amount }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('cancel' as const), request: index }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('approve' as const), request: index, via }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('reject' as const), request: index, via }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('lock' as const), user, via }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('unlock' as const), user, via }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('seize' as const), user, amount, via }) },
  { weight: 1, arbitrary: fc.constant({ t: 'replay' as const }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('forge' as const), request: index }) },
  { weight: 1, arbitrary: fc.constant({ t: 'pause' as const }) },
  { weight: 1, arbitrary: fc.constant({ t: 'unpause' as const }) },
)

describe('MarginVault under random sequences of user actions and hub commands', () => {
  let devnet: Devnet
  let hub: DevnetChain
  let spoke: DevnetChain
  let vault: Address
  let usdc: Address
  /** snapshots of the hub and the spoke: both revert, so LayerZero's path nonces stay in step */
  let snapshots: [Hex, Hex]
  let sequence = 1_000_000n
  let ids = 0

  beforeAll(async () => {
    devnet = await startDevnet({ chains: 2, basePort: BASE_PORT })
    hub = devnet.chains[0]!
    spoke = devnet.chains[1]!
    vault = spoke.addresses.vault
    usdc = spoke.addresses.tokens.USDC
    snapshots = [await hub.testClient.snapshot(), await spoke.testClient.snapshot()]
  }, 120_000)
  afterAll(() => devnet?.stop())

  const users = () => [0, 1, 2].map((i) => ({ key: devnet.keys.users[i]!, address: privateKeyToAddress(devnet.keys.users[i]!) }))
  const receiver = () => privateKeyToAddress(devnet.keys.receiver)
  const relayer = () => privateKeyToAccount(devnet.keys.relayer)
  const read = async (functionName: 'balanceOf' | 'escrowOf', account: Address): Promise<bigint> =>
    functionName === 'balanceOf'
      ? spoke.publicClient.readContract({ address: vault, abi: MarginVault.abi, functionName: 'balanceOf', args: [account, usdc] })
      : spoke.publicClient.readContract({ address: vault, abi: MarginVault.abi, functionName: 'escrowOf', args: [account, usdc] })
  const tokens = () => spoke.publicClient.readContract({ address: usdc, abi: MockERC20.abi, functionName: 'balanceOf', args: [vault] })

  async function send(account: ReturnType<typeof privateKeyToAccount> | Hex, call: Parameters<DevnetChain['publicClient']['simulateContract']>[0]): Promise<boolean> {
    const key = typeof account === 'string' ? account : undefined
    try {
      const { request } = await spoke.publicClient.simulateContract({ ...call, account: key ? privateKeyToAccount(key) : (account as ReturnType<typeof privateKeyToAccount>) } as never)
      const hash = await spoke.wallet(key ?? devnet.keys.relayer).writeContract(request as never)
      return (await spoke.publicClient.waitForTransactionReceipt({ hash })).status === 'success'
    } catch {
      return false
    }
  }

  async function vaaOf(payload: Hex, keys: Hex[] = devnet.keys.guardians): Promise<Hex> {
    return signTestVaa({ guardianKeys: keys, emitterChain: devnet.hub.wormholeChainId, emitterAddress: devnet.hub.address, sequence: sequence++, payload })
  }

  /** Carries `payload` over LayerZero: co-signed publish on the hub, verification as the DVN, lzReceive. */
  async function overLayerZero(payload: Hex, kind: Command['kind']): Promise<Hex> {
    const args = [spoke.addresses.layerzero.eid, payload, commandOptions(kind)] as const
    const fee = await hub.publicClient.readContract({ address: devnet.hub.address, abi: MarginHub.abi, functionName: 'quote', args })
    const sent = await hub.wallet(devnet.keys.relayer).writeContract({ address: devnet.hub.address, abi: MarginHub.abi, functionName: 'publishLz', args: [...args, await coSign(devnet, payload)], value: fee })
    await hub.publicClient.waitForTransactionReceipt({ hash: sent })
    const [packet] = await sentPackets(hub.publicClient, sent)
    if (!packet) throw new Error('no PacketSent')
    await verifyPacket({ publicClient: spoke.publicClient, wallet: spoke.wallet(devnet.keys.relayer), endpoint: spoke.addresses.layerzero.endpoint, receiveLib: spoke.addresses.layerzero.receiveLib, worker: spoke.addresses.layerzero.worker }, packet)
    const hash = await spoke.wallet(devnet.keys.relayer).writeContract({ address: spoke.addresses.layerzero.endpoint, abi: LzEndpointV2.abi, functionName: 'lzReceive', args: lzReceiveArgs(packet, vault), gas: 500_000n })
    await spoke.publicClient.waitForTransactionReceipt({ hash })
    return packet.guid
  }

  /**
   * Plays `steps` from the snapshot, checking conservation and solvency after each and the event-level invariants at
   * the end. @returns what happened, so a scripted run can show it exercised what it claims.
   */
  async function play(steps: Step[]): Promise<{ paid: number; executed: number; viaLayerZero: number }> {
        await hub.testClient.revert({ id: snapshots[0] })
        await spoke.testClient.revert({ id: snapshots[1] })
        snapshots = [await hub.testClient.snapshot(), await spoke.testClient.snapshot()]
        const start = await spoke.publicClient.getBlockNumber({ cacheTime: 0 })
        const requests: { id: bigint; account: Address; amount: bigint }[] = []
        const approved = new Set<bigint>()
        const delivered: Hex[] = []
        const guids = new Set<string>()

        async function command(c: Record<string, unknown> & { kind: Command['kind'] }, via: Transport): Promise<void> {
          const expiry = (await spoke.publicClient.getBlock()).timestamp + 3600n
          const payload = encodeCommand({ commandId: keccak256(toHex(`fuzz-${ids++}`)), destChainId: BigInt(spoke.chainId), vault, expiry, ...c } as Command)
          if (via !== 'layerzero') {
            const vaa = await vaaOf(payload)
            await send(relayer(), { address: vault, abi: MarginVault.abi, functionName: 'executeCommand', args: [vaa] })
            delivered.push(vaa)
          }
          if (via !== 'wormhole') guids.add((await overLayerZero(payload, c.kind)).toLowerCase())
        }
        const lockEpoch = async (account: Address) => {
          const [locked, epoch] = await spoke.publicClient.readContract({ address: vault, abi: MarginVault.abi, functionName: 'accountLock', args: [account] })
          return { locked, epoch: Number(epoch) }
        }

        for (const s of steps) {
          const u = 'user' in s ? users()[s.user]! : undefined
          const r = 'request' in s && requests.length > 0 ? requests[s.request % requests.length]! : undefined
          switch (s.t) {
            case 'deposit': {
              const amt = BigInt(s.amount) * USDC
              await devnet.mint(spoke.chainId, 'USDC', u!.address, amt)
              await send(u!.key, { address: usdc, abi: MockERC20.abi, functionName: 'approve', args: [vault, amt] })
              await send(u!.key, { address: vault, abi: MarginVault.abi, functionName: 'deposit', args: [usdc, amt, u!.address] })
              break
            }
            case 'request': {
              const amt = BigInt(s.amount) * USDC
              const id = await spoke.publicClient.readContract({ address: vault, abi: MarginVault.abi, functionName: 'nextRequestId' })
              if (await send(u!.key, { address: vault, abi: MarginVault.abi, functionName: 'requestWithdrawal', args: [usdc, amt, u!.address] }))
                requests.push({ id, account: u!.address, amount: amt })
              break
            }
            case 'cancel': {
              if (!r) break
              await spoke.testClient.increaseTime({ seconds: 86_400 })
              await spoke.testClient.mine({ blocks: 1 })
              const owner = users().find((x) => x.address === r.account)!
              await send(owner.key, { address: vault, abi: MarginVault.abi, functionName: 'cancelWithdrawal', args: [r.id] })
              break
            }
            case 'approve': {
              if (!r) break
              // the model hub approves what the account's own balance covers on this chain
              if ((await read('balanceOf', r.account)) < 0n) break
              approved.add(r.id)
              await command({ kind: 'ApproveWithdrawal', account: r.account, requestId: r.id, lockEpoch: (await lockEpoch(r.account)).epoch }, s.via)
              break
            }
            case 'reject':
              if (r) await command({ kind: 'RejectWithdrawal', account: r.account, requestId: r.id, reason: 1 }, s.via)
              break
            case 'lock':
              await command({ kind: 'Lock', account: u!.address, lockEpoch: (await lockEpoch(u!.address)).epoch + 1 }, s.via)
              break
            case 'unlock':
              await command({ kind: 'Unlock', account: u!.address, lockEpoch: (await lockEpoch(u!.address)).epoch }, s.via)
              break
            case 'seize':
              await command({ kind: 'Seize', account: u!.address, lockEpoch: (await lockEpoch(u!.address)).epoch, asset: usdc, amount: BigInt(s.amount) * USDC, receiver: receiver() }, s.via)
              break
            case 'replay': {
              const vaa = delivered.at(-1)
              if (vaa) expect(await send(relayer(), { address: vault, abi: MarginVault.abi, functionName: 'executeCommand', args: [vaa] })).toBe(false)
              break
            }
            case 'forge': {
              if (!r) break
              const expiry = (await spoke.publicClient.getBlock()).timestamp + 3600n
              const payload = encodeCommand({ kind: 'ApproveWithdrawal', commandId: keccak256(toHex(`forged-${ids++}`)), destChainId: BigInt(spoke.chainId), vault, expiry, account: r.account, requestId: r.id, lockEpoch: 0 })
              expect(await send(relayer(), { address: vault, abi: MarginVault.abi, functionName: 'executeCommand', args: [await vaaOf(payload, [FORGER])] })).toBe(false)
              break
            }
            case 'pause':
              await send(devnet.keys.vaultGuardian, { address: vault, abi: MarginVault.abi, functionName: 'pause', args: [] })
              break
            case 'unpause':
              if (await spoke.publicClient.readContract({ address: vault, abi: MarginVault.abi, functionName: 'paused' }))
                await throughTimelock(spoke, { address: vault, abi: MarginVault.abi, functionName: 'unpause', args: [] })
              break
          }

          // conservation and solvency over every account that can hold a balance here
          const holders = [...users().map((x) => x.address), receiver()]
          const nets = await Promise.all(holders.map(async (a) => (await read('balanceOf', a)) + (await read('escrowOf', a))))
          const held = await tokens()
          expect(held).toBe(nets.reduce((x, y) => x + y, 0n))
          expect(held).toBeGreaterThanOrEqual(nets.reduce((x, y) => x + (y > 0n ? y : 0n), 0n))
        }

        // no outflow without an approval, and no command twice
        const logs = parseEventLogs({
          abi: [...MarginVault.abi, ...MockERC20.abi],
          logs: [
            ...(await spoke.publicClient.getLogs({ address: vault, fromBlock: start })),
            ...(await spoke.publicClient.getLogs({ address: usdc, fromBlock: start })),
          ],
        }) as unknown as { eventName: string; args: Record<string, unknown> }[]
        const out = logs.filter((l) => l.eventName === 'Transfer' && (l.args.from as string).toLowerCase() === vault.toLowerCase())
        const paid = logs.filter((l) => l.eventName === 'WithdrawalExecuted')
        expect(out.reduce((x, l) => x + (l.args.value as bigint), 0n)).toBe(paid.reduce((x, l) => x + (l.args.amount as bigint), 0n))
        for (const p of paid) expect(approved.has(p.args.requestId as bigint)).toBe(true)
        const executed = logs.filter((l) => l.eventName === 'CommandExecuted')
        const executedIds = executed.map((l) => l.args.commandId as string)
        expect(new Set(executedIds).size).toBe(executedIds.length)
        const viaLayerZero = executed.filter((l) => guids.has((l.args.vmHash as string).toLowerCase())).length
        return { paid: paid.length, executed: executed.length, viaLayerZero }
  }

  it('exercises what the fuzzing claims: a scripted run pays approvals, refuses replays and forgeries, and executes duplicates over both transports once', async () => {
    const scripted: Step[] = [
      { t: 'deposit', user: 0, amount: 900 },
      { t: 'deposit', user: 1, amount: 400 },
      { t: 'request', user: 0, amount: 300 },
      { t: 'approve', request: 0, via: 'both' },
      { t: 'replay' },
      { t: 'request', user: 1, amount: 100 },
      { t: 'forge', request: 1 },
      { t: 'approve', request: 1, via: 'layerzero' },
      { t: 'lock', user: 0, via: 'wormhole' },
      { t: 'seize', user: 0, amount: 200, via: 'both' },
      { t: 'unlock', user: 0, via: 'layerzero' },
      { t: 'pause' },
      { t: 'request', user: 0, amount: 50 },
      { t: 'unpause' },
      { t: 'request', user: 1, amount: 50 },
      { t: 'cancel', request: 2 },
    ]
    const result = await play(scripted)
    expect(result.paid).toBe(2)
    expect(result.viaLayerZero).toBeGreaterThanOrEqual(2)
    expect(result.executed).toBe(5)
  }, 600_000)

  it(`keeps tokens conserved and covering every claim, pays only approved requests and executes each command once (${RUNS} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 8, maxLength: 24 }), async (steps) => {
        await play(steps)
      }),
      { numRuns: RUNS, endOnFailure: true },
    )
  }, 1_800_000)
})
