import { MarginVault, MockERC20 } from '@unimargin/contracts'
import { type Command, encodeCommand } from '@unimargin/protocol'
import { type Address, type Hex, keccak256, parseEventLogs, toHex, zeroAddress } from 'viem'
import { privateKeyToAccount, privateKeyToAddress } from 'viem/accounts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Devnet, type DevnetChain, signTestVaa, startDevnet, throughTimelock } from './devnet.js'
import { expectRevert } from './revert.js'

const Outcome = { Applied: 0, RequestNotPending: 3, RateLimited: 5, Superseded: 6 } as const
const Status = { Pending: 1, Executed: 2, Cancelled: 4 } as const
const DAY = 86_400
const MAX_UINT256 = 2n ** 256n - 1n

// Omit over a union must distribute, or the kind-specific fields are lost.
type CommandInput = Command extends infer C ? (C extends Command ? Omit<C, 'commandId' | 'destChainId' | 'vault' | 'expiry'> : never) : never

describe('MarginVault outflow limits, pause and request cancellation', () => {
  let devnet: Devnet
  let spoke: DevnetChain
  let vault: Address
  let usdc: Address
  let sequence = 0n
  let ids = 0
  /** the limitsSequence of the last SetLimits built for USDC; each new one gets the next */
  let limitsSequence = 0n

  beforeAll(async () => {
    devnet = await startDevnet({ chains: 2, basePort: 19845 })
    spoke = devnet.chains[1]!
    vault = spoke.addresses.vault
    usdc = spoke.addresses.tokens.USDC
  })
  afterAll(() => devnet?.stop())

  const user = (i: number) => {
    const key = devnet.keys.users[i] ?? keccak256(toHex(`limits-test-user-${i}`))
    return { key, address: privateKeyToAddress(key) }
  }
  const now = async () => (await spoke.publicClient.getBlock()).timestamp

  /** Moves the spoke chain's clock forward by `seconds` and mines a block at the new time. */
  async function advance(seconds: number): Promise<void> {
    await spoke.testClient.increaseTime({ seconds })
    await spoke.testClient.mine({ blocks: 1 })
  }

  /** Signs `c` into a MarginHub VAA addressed to the spoke vault. */
  async function sign(c: CommandInput) {
    const commandId = keccak256(toHex(`limits-test-command-${ids++}`))
    const payload = encodeCommand({ ...c, commandId, destChainId: BigInt(spoke.chainId), vault, expiry: (await now()) + 3600n } as Command)
    const vaa = await signTestVaa({
      guardianKeys: devnet.keys.guardians,
      emitterChain: devnet.hub.wormholeChainId,
      emitterAddress: devnet.hub.address,
      sequence: sequence++,
      payload,
    })
    return { commandId, vaa }
  }

  /** Signs `c` into a MarginHub VAA addressed to the spoke vault, relays it and returns the outcome and logs. */
  const execute = async (c: CommandInput) => relay((await sign(c)).vaa)

  /** Relays a signed VAA to the spoke vault and returns the outcome and logs. */
  async function relay(vaa: Hex) {
    const { request } = await spoke.publicClient.simulateContract({
      address: vault,
      abi: MarginVault.abi,
      functionName: 'executeCommand',
      args: [vaa],
      account: privateKeyToAccount(devnet.keys.relayer),
    })
    const receipt = await spoke.publicClient.waitForTransactionReceipt({ hash: await spoke.wallet(devnet.keys.relayer).writeContract(request) })
    expect(receipt.status).toBe('success')
    const logs = parseEventLogs({ abi: MarginVault.abi, logs: receipt.logs })
    const executed = logs.find((l) => l.eventName === 'CommandExecuted')
    if (executed?.eventName !== 'CommandExecuted') throw new Error('no CommandExecuted event')
    return { outcome: executed.args.outcome, kind: executed.args.kind, logs }
  }

  type Limits = { outflowLimit: bigint; periodSeconds: number; paused: boolean }
  /** A USDC SetLimits with the next limitsSequence. */
  const limitsCommand = (limits: Limits): CommandInput => ({ kind: 'SetLimits', account: zeroAddress, asset: usdc, ...limits, limitsSequence: ++limitsSequence })
  const setLimits = (limits: Limits) => execute(limitsCommand(limits))
  const noLimits = () => setLimits({ outflowLimit: 0n, periodSeconds: 0, paused: false })
  const approve = (account: Address, requestId: bigint) => execute({ kind: 'ApproveWithdrawal', account, requestId, lockEpoch: 0 })

  const read = {
    balance: (a: Address) => spoke.publicClient.readContract({ address: vault, abi: MarginVault.abi, functionName: 'balanceOf', args: [a, usdc] }),
    escrow: (a: Address) => spoke.publicClient.readContract({ address: vault, abi: MarginVault.abi, functionName: 'escrowOf', args: [a, usdc] }),
    request: (id: bigint) => spoke.publicClient.readContract({ address: vault, abi: MarginVault.abi, functionName: 'withdrawalRequest', args: [id] }),
    allowance: () => spoke.publicClient.readContract({ address: vault, abi: MarginVault.abi, functionName: 'outflowAllowance', args: [usdc] }),
    limits: () => spoke.publicClient.readContract({ address: vault, abi: MarginVault.abi, functionName: 'limitsOf', args: [usdc] }),
    tokens: (a: Address) => spoke.publicClient.readContract({ address: usdc, abi: MockERC20.abi, functionName: 'balanceOf', args: [a] }),
  }

  async function deposit(i: number, amount: bigint): Promise<void> {
    const u = user(i)
    const wallet = spoke.wallet(u.key)
    await devnet.mint(spoke.chainId, 'USDC', u.address, amount)
    await spoke.publicClient.waitForTransactionReceipt({
      hash: await wallet.writeContract({ address: usdc, abi: MockERC20.abi, functionName: 'approve', args: [vault, amount] }),
    })
    const hash = await wallet.writeContract({ address: vault, abi: MarginVault.abi, functionName: 'deposit', args: [usdc, amount, u.address] })
    expect((await spoke.publicClient.waitForTransactionReceipt({ hash })).status).toBe('success')
  }

  const simulateRequest = (i: number, amount: bigint) =>
    spoke.publicClient.simulateContract({
      address: vault,
      abi: MarginVault.abi,
      functionName: 'requestWithdrawal',
      args: [usdc, amount, user(i).address],
      account: privateKeyToAccount(user(i).key),
    })
  async function requestWithdrawal(i: number, amount: bigint): Promise<bigint> {
    const { request, result } = await simulateRequest(i, amount)
    const hash = await spoke.wallet(user(i).key).writeContract(request)
    expect((await spoke.publicClient.waitForTransactionReceipt({ hash })).status).toBe('success')
    return result
  }

  const simulateCancel = (i: number, requestId: bigint) =>
    spoke.publicClient.simulateContract({
      address: vault,
      abi: MarginVault.abi,
      functionName: 'cancelWithdrawal',
      args: [requestId],
      account: privateKeyToAccount(user(i).key),
    })

  describe('SetLimits', () => {
    it('replaces an asset\'s limits and announces them with LimitsSet', async () => {
      expect(await read.allowance()).toBe(MAX_UINT256)
      const { outcome, kind, logs } = await setLimits({ outflowLimit: 1_000n, periodSeconds: 3600, paused: false })
      expect(outcome).toBe(Outcome.Applied)
      expect(kind).toBe(6)
      const set = logs.find((l) => l.eventName === 'LimitsSet')
      expect(set?.args).toEqual({ asset: usdc, outflowLimit: 1_000n, periodSeconds: 3600, paused: false, limitsSequence })
      expect(await read.limits()).toEqual({ outflowLimit: 1_000n, periodSeconds: 3600, paused: false, limitsSequence })
      expect(await read.allowance()).toBe(1_000n)
      await noLimits()
      expect(await read.allowance()).toBe(MAX_UINT256)
    })
  })

  describe('SetLimits delivered out of order', () => {
    it('keeps the newer limits in force when an older SetLimits arrives after it, and consumes the older one as Superseded', async () => {
      const unpause = await sign(limitsCommand({ outflowLimit: 0n, periodSeconds: 0, paused: false }))
      const pause = await sign(limitsCommand({ outflowLimit: 0n, periodSeconds: 0, paused: true }))
      const newer = limitsSequence

      expect((await relay(pause.vaa)).outcome).toBe(Outcome.Applied)
      const older = await relay(unpause.vaa)
      expect(older.outcome).toBe(Outcome.Superseded)
      expect(older.logs.map((l) => l.eventName)).toEqual(['CommandExecuted'])
      expect(await read.limits()).toEqual({ outflowLimit: 0n, periodSeconds: 0, paused: true, limitsSequence: newer })
      expect(await read.allowance()).toBe(0n)
      const executed = await spoke.publicClient.readContract({ address: vault, abi: MarginVault.abi, functionName: 'isCommandExecuted', args: [unpause.commandId] })
      expect(executed).toBe(true)
      await expectRevert(
        spoke.publicClient.simulateContract({ address: vault, abi: MarginVault.abi, functionName: 'executeCommand', args: [unpause.vaa], account: privateKeyToAccount(devnet.keys.relayer) }),
        'VaaAlreadyConsumed',
      )
      await noLimits()
      expect(await read.allowance()).toBe(MAX_UINT256)
    })

    it('consumes a SetLimits that repeats the sequence of the limits in force as Superseded, keeping the outflow count', async () => {
      const u = user(4) // not otherwise paid out
      await deposit(4, 1_000n)
      await setLimits({ outflowLimit: 500n, periodSeconds: 3600, paused: false })
      const inForce = limitsSequence
      expect((await approve(u.address, await requestWithdrawal(4, 300n))).outcome).toBe(Outcome.Applied)

      const repeat = { kind: 'SetLimits', account: zeroAddress, asset: usdc, outflowLimit: 10_000n, periodSeconds: 60, paused: false, limitsSequence: inForce } as const
      expect((await execute(repeat)).outcome).toBe(Outcome.Superseded)
      expect((await execute({ ...repeat, limitsSequence: 0n })).outcome).toBe(Outcome.Superseded)
      expect(await read.limits()).toEqual({ outflowLimit: 500n, periodSeconds: 3600, paused: false, limitsSequence: inForce })
      expect(await read.allowance()).toBe(200n)
      await noLimits()
    })
  })

  describe('pause', () => {
    it('refuses new requests and payouts of a paused asset but keeps deposits open, and pays once unpaused', async () => {
      const u = user(0)
      await deposit(0, 1_000n)
      const id = await requestWithdrawal(0, 400n)
      await setLimits({ outflowLimit: 0n, periodSeconds: 0, paused: true })

      const [asset] = await expectRevert(simulateRequest(0, 100n), 'WithdrawalsPaused')
      expect(asset).toBe(usdc)
      expect((await approve(u.address, id)).outcome).toBe(Outcome.RateLimited)
      expect((await read.request(id)).status).toBe(Status.Pending)
      expect(await read.escrow(u.address)).toBe(400n)
      expect(await read.allowance()).toBe(0n)
      await deposit(0, 50n)
      expect(await read.balance(u.address)).toBe(650n)

      await noLimits()
      const before = await read.tokens(u.address)
      expect((await approve(u.address, id)).outcome).toBe(Outcome.Applied)
      expect((await read.tokens(u.address)) - before).toBe(400n)
    })
  })

  describe('outflow rate limit', () => {
    it('keeps a payout beyond the period\'s remaining allowance pending as RateLimited and pays it in the next period', async () => {
      const u = user(1)
      await deposit(1, 1_000n)
      await setLimits({ outflowLimit: 500n, periodSeconds: 3600, paused: false })
      const first = await requestWithdrawal(1, 300n)
      const second = await requestWithdrawal(1, 300n)

      expect((await approve(u.address, first)).outcome).toBe(Outcome.Applied)
      expect(await read.allowance()).toBe(200n)
      const limited = await approve(u.address, second)
      expect(limited.outcome).toBe(Outcome.RateLimited)
      expect(limited.logs.some((l) => l.eventName === 'WithdrawalExecuted')).toBe(false)
      expect((await read.request(second)).status).toBe(Status.Pending)
      expect(await read.escrow(u.address)).toBe(300n)
      expect(await read.allowance()).toBe(200n)

      await advance(3600)
      expect(await read.allowance()).toBe(500n)
      expect((await approve(u.address, second)).outcome).toBe(Outcome.Applied)
      expect((await read.request(second)).status).toBe(Status.Executed)
      expect(await read.allowance()).toBe(200n)
      await noLimits()
    })

    it('never pays an approval larger than the limit itself', async () => {
      const u = user(2)
      await deposit(2, 1_000n)
      await setLimits({ outflowLimit: 100n, periodSeconds: 60, paused: false })
      const id = await requestWithdrawal(2, 101n)
      expect((await approve(u.address, id)).outcome).toBe(Outcome.RateLimited)
      await advance(120)
      expect((await approve(u.address, id)).outcome).toBe(Outcome.RateLimited)
      await noLimits()
    })
  })

  describe('cancellation after the request timeout', () => {
    it('refuses a cancel before the timeout and by another account, then returns the escrow to the requester', async () => {
      const u = user(3)
      await deposit(3, 800n)
      const id = await requestWithdrawal(3, 500n)
      const requestedAt = await spoke.publicClient.readContract({ address: vault, abi: MarginVault.abi, functionName: 'withdrawalRequestedAt', args: [id] })
      expect(await spoke.publicClient.readContract({ address: vault, abi: MarginVault.abi, functionName: 'requestTimeoutSeconds' })).toBe(BigInt(DAY))

      const [, cancellableAt] = await expectRevert(simulateCancel(3, id), 'CancelTooEarly')
      expect(cancellableAt).toBe(requestedAt + BigInt(DAY))
      await advance(DAY)
      await expectRevert(simulateCancel(4, id), 'NotRequester')

      const { request } = await simulateCancel(3, id)
      const receipt = await spoke.publicClient.waitForTransactionReceipt({ hash: await spoke.wallet(u.key).writeContract(request) })
      const [cancelled] = parseEventLogs({ abi: MarginVault.abi, logs: receipt.logs, eventName: 'WithdrawalCancelled' })
      expect(cancelled?.args).toEqual({ requestId: id, account: u.address, asset: usdc, amount: 500n })
      expect(await read.balance(u.address)).toBe(800n)
      expect(await read.escrow(u.address)).toBe(0n)
      expect((await read.request(id)).status).toBe(Status.Cancelled)
      await expectRevert(simulateCancel(3, id), 'WithdrawalNotPending')
    })

    it('answers RequestNotPending to an Approve or Reject that arrives after the cancel, paying nothing', async () => {
      const u = user(5)
      await deposit(5, 300n)
      const id = await requestWithdrawal(5, 300n)
      await advance(DAY)
      const { request } = await simulateCancel(5, id)
      await spoke.publicClient.waitForTransactionReceipt({ hash: await spoke.wallet(u.key).writeContract(request) })

      const before = await read.tokens(u.address)
      expect((await approve(u.address, id)).outcome).toBe(Outcome.RequestNotPending)
      expect((await execute({ kind: 'RejectWithdrawal', account: u.address, requestId: id, reason: 5 })).outcome).toBe(Outcome.RequestNotPending)
      expect(await read.tokens(u.address)).toBe(before)
      expect(await read.balance(u.address)).toBe(300n)
    })

    it('lets the owner change the timeout through its timelock and refuses a zero timeout', async () => {
      await throughTimelock(spoke, { address: vault, abi: MarginVault.abi, functionName: 'setRequestTimeout', args: [3600n] })
      expect(await spoke.publicClient.readContract({ address: vault, abi: MarginVault.abi, functionName: 'requestTimeoutSeconds' })).toBe(3600n)
      await expectRevert(
        spoke.publicClient.simulateContract({ address: vault, abi: MarginVault.abi, functionName: 'setRequestTimeout', args: [0n], account: spoke.addresses.timelock }),
        'RequestTimeoutOutOfRange',
      )
      await expectRevert(
        spoke.publicClient.simulateContract({
          address: vault,
          abi: MarginVault.abi,
          functionName: 'setRequestTimeout',
          args: [60n],
          account: privateKeyToAccount(user(0).key),
        }),
        'OwnableUnauthorizedAccount',
      )
    })
  })
})
