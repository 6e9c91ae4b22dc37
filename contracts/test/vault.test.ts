import { MarginHub, MarginVault, MockERC20 } from '@unimargin/contracts'
import { type Command, encodeCommand } from '@unimargin/protocol'
import { type Address, type Hex, keccak256, parseEventLogs, toHex } from 'viem'
import { privateKeyToAccount, privateKeyToAddress } from 'viem/accounts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { coSign, type Devnet, type DevnetChain, signPublishedMessages, signTestVaa, startDevnet, type TestVaaParams } from './devnet.js'
import { expectRevert } from './revert.js'

const Outcome = { Applied: 0, VoidedByLock: 1, StaleEpoch: 2, RequestNotPending: 3, InsufficientLiquidity: 4 } as const
const Status = { None: 0, Pending: 1, Executed: 2, Rejected: 3 } as const

// Omit over a union must distribute, or the kind-specific fields are lost.
type CommandInput = Command extends infer C ? (C extends Command ? Omit<C, 'commandId' | 'destChainId' | 'vault' | 'expiry'> & Partial<C> : never) : never

describe('MarginVault on a real Wormhole core', () => {
  let devnet: Devnet
  let spoke: DevnetChain
  let vault: Address
  let usdc: Address
  let sequence = 0n
  let ids = 0

  beforeAll(async () => {
    devnet = await startDevnet({ chains: 2, basePort: 19645 })
    spoke = devnet.chains[1]!
    vault = spoke.addresses.vault
    usdc = spoke.addresses.tokens.USDC
  })
  afterAll(() => devnet?.stop())

  const relayer = () => spoke.wallet(devnet.keys.relayer)
  // users 0-5 are anvil's funded accounts; 6 and up are fresh keys funded on first use
  const extraKey = (i: number): Hex => keccak256(toHex(`vault-test-user-${i}`))
  const user = (i: number) => {
    const key = devnet.keys.users[i] ?? extraKey(i)
    return { key, address: privateKeyToAddress(key) }
  }
  async function fund(i: number): Promise<void> {
    await spoke.testClient.setBalance({ address: user(i).address, value: 10n ** 20n })
  }
  const newCommandId = (): Hex => keccak256(toHex(`vault-test-command-${ids++}`))

  async function now(): Promise<bigint> {
    return (await spoke.publicClient.getBlock()).timestamp
  }

  /** Encodes a command addressed to the spoke vault (overridable), valid for an hour. */
  async function command(c: CommandInput): Promise<{ payload: Hex; commandId: Hex }> {
    const commandId = c.commandId ?? newCommandId()
    const full = { commandId, destChainId: BigInt(spoke.chainId), vault, expiry: (await now()) + 3600n, ...c } as Command
    return { payload: encodeCommand(full), commandId }
  }

  /** A VAA from MarginHub carrying `payload`, signed by the devnet guardians unless overridden. */
  function vaa(payload: Hex, overrides: Partial<TestVaaParams> = {}): Promise<Hex> {
    return signTestVaa({
      guardianKeys: devnet.keys.guardians,
      emitterChain: devnet.hub.wormholeChainId,
      emitterAddress: devnet.hub.address,
      sequence: sequence++,
      payload,
      ...overrides,
    })
  }

  const simulate = (encodedVaa: Hex) =>
    spoke.publicClient.simulateContract({
      address: vault,
      abi: MarginVault.abi,
      functionName: 'executeCommand',
      args: [encodedVaa],
      account: privateKeyToAccount(devnet.keys.relayer),
    })

  async function execute(encodedVaa: Hex) {
    const { request } = await simulate(encodedVaa)
    const hash = await relayer().writeContract(request)
    const receipt = await spoke.publicClient.waitForTransactionReceipt({ hash })
    expect(receipt.status).toBe('success')
    const logs = parseEventLogs({ abi: MarginVault.abi, logs: receipt.logs })
    const executed = logs.find((l) => l.eventName === 'CommandExecuted')
    if (executed?.eventName !== 'CommandExecuted') throw new Error('no CommandExecuted event')
    return { outcome: executed.args.outcome, logs, executed: executed.args }
  }

  const read = (functionName: 'balanceOf' | 'escrowOf', account: Address, asset = usdc): Promise<bigint> =>
    functionName === 'balanceOf'
      ? spoke.publicClient.readContract({ address: vault, abi: MarginVault.abi, functionName: 'balanceOf', args: [account, asset] })
      : spoke.publicClient.readContract({ address: vault, abi: MarginVault.abi, functionName: 'escrowOf', args: [account, asset] })
  const request = (id: bigint) => spoke.publicClient.readContract({ address: vault, abi: MarginVault.abi, functionName: 'withdrawalRequest', args: [id] })
  const lockOf = (account: Address) => spoke.publicClient.readContract({ address: vault, abi: MarginVault.abi, functionName: 'accountLock', args: [account] })

  async function deposit(i: number, amount: bigint): Promise<void> {
    const u = user(i)
    const wallet = spoke.wallet(u.key)
    await devnet.mint(spoke.chainId, 'USDC', u.address, amount)
    const approve = await wallet.writeContract({ address: usdc, abi: MockERC20.abi, functionName: 'approve', args: [vault, amount] })
    await spoke.publicClient.waitForTransactionReceipt({ hash: approve })
    const hash = await wallet.writeContract({ address: vault, abi: MarginVault.abi, functionName: 'deposit', args: [usdc, amount, u.address] })
    expect((await spoke.publicClient.waitForTransactionReceipt({ hash })).status).toBe('success')
  }

  async function requestWithdrawal(i: number, amount: bigint): Promise<bigint> {
    const u = user(i)
    const { request: req, result } = await spoke.publicClient.simulateContract({
      address: vault,
      abi: MarginVault.abi,
      functionName: 'requestWithdrawal',
      args: [usdc, amount, u.address],
      account: privateKeyToAccount(u.key),
    })
    const hash = await spoke.wallet(u.key).writeContract(req)
    expect((await spoke.publicClient.waitForTransactionReceipt({ hash })).status).toBe('success')
    return result
  }

  describe('verification', () => {
    it('executes a Lock carried by a VAA from MarginHub signed by the guardian set', async () => {
      const account = user(5).address
      const { payload, commandId } = await command({ kind: 'Lock', account, lockEpoch: 1 })
      const { outcome, executed } = await execute(await vaa(payload))
      expect(outcome).toBe(Outcome.Applied)
      expect(executed.commandId).toBe(commandId)
      expect(await lockOf(account)).toEqual([true, 1])
    })

    it('rejects a VAA signed by a key outside the guardian set', async () => {
      const { payload } = await command({ kind: 'Lock', account: user(5).address, lockEpoch: 9 })
      const forged = await vaa(payload, { guardianKeys: [keccak256(toHex('not a guardian'))] })
      const [reason] = await expectRevert(simulate(forged), 'InvalidVaa')
      expect(reason).toMatch(/signature/i)
    })

    it('rejects a VAA naming a guardian set that does not exist', async () => {
      const { payload } = await command({ kind: 'Lock', account: user(5).address, lockEpoch: 9 })
      await expectRevert(simulate(await vaa(payload, { guardianSetIndex: 1 })), 'InvalidVaa')
    })

    it('rejects a VAA whose payload was tampered with after signing', async () => {
      const { payload } = await command({ kind: 'Lock', account: user(5).address, lockEpoch: 9 })
      const signed = await vaa(payload)
      // Flip the lowest bit of the last byte (the lock epoch): still a well-formed command, no longer signed.
      const lastByte = Number.parseInt(signed.slice(-2), 16) ^ 1
      const tampered = `${signed.slice(0, -2)}${lastByte.toString(16).padStart(2, '0')}` as Hex
      expect(tampered).not.toBe(signed)
      await expectRevert(simulate(tampered), 'InvalidVaa')
    })

    it('rejects a replayed VAA', async () => {
      const { payload } = await command({ kind: 'Lock', account: user(4).address, lockEpoch: 1 })
      const signed = await vaa(payload)
      await execute(signed)
      await expectRevert(simulate(signed), 'VaaAlreadyConsumed')
    })

    it('rejects a command from an emitter other than MarginHub', async () => {
      const { payload } = await command({ kind: 'Lock', account: user(5).address, lockEpoch: 9 })
      const impostor = privateKeyToAddress(devnet.keys.relayer)
      await expectRevert(simulate(await vaa(payload, { emitterAddress: impostor })), 'WrongEmitter')
      await expectRevert(simulate(await vaa(payload, { emitterChain: spoke.wormholeChainId })), 'WrongEmitter')
    })

    it('rejects a command addressed to another vault', async () => {
      const { payload } = await command({ kind: 'Lock', account: user(5).address, lockEpoch: 9, vault: spoke.addresses.tokens.ETH })
      await expectRevert(simulate(await vaa(payload)), 'WrongDestination')
    })

    it('rejects a command addressed to another chain', async () => {
      const { payload } = await command({ kind: 'Lock', account: user(5).address, lockEpoch: 9, destChainId: BigInt(devnet.chains[0]!.chainId) })
      await expectRevert(simulate(await vaa(payload)), 'WrongDestination')
    })

    it('rejects an expired command', async () => {
      const { payload } = await command({ kind: 'Lock', account: user(5).address, lockEpoch: 9, expiry: (await now()) - 1n })
      await expectRevert(simulate(await vaa(payload)), 'CommandExpired')
    })

    it('rejects a second VAA carrying an already executed command id', async () => {
      const { payload } = await command({ kind: 'Lock', account: user(3).address, lockEpoch: 1 })
      const first = await vaa(payload)
      const second = await vaa(payload)
      expect(second).not.toBe(first)
      await execute(first)
      const [commandId] = await expectRevert(simulate(second), 'CommandAlreadyExecuted')
      expect(commandId).toBe(keccak256(toHex(`vault-test-command-${ids - 1}`)))
    })

    it('rejects a payload that does not decode', async () => {
      const { payload } = await command({ kind: 'Lock', account: user(5).address, lockEpoch: 9 })
      await expectRevert(simulate(await vaa(`${payload}00`)), 'WrongPayloadLength')
    })
  })

  describe('withdrawals', () => {
    it('pays out an approved withdrawal decided at the account\'s current lock epoch', async () => {
      const u = user(0)
      await deposit(0, 1_000_000n)
      const id = await requestWithdrawal(0, 400_000n)
      expect(await read('balanceOf', u.address)).toBe(600_000n)
      expect(await read('escrowOf', u.address)).toBe(400_000n)

      const before = await spoke.publicClient.readContract({ address: usdc, abi: MockERC20.abi, functionName: 'balanceOf', args: [u.address] })
      const { payload } = await command({ kind: 'ApproveWithdrawal', account: u.address, requestId: id, lockEpoch: 0 })
      const { outcome } = await execute(await vaa(payload))
      expect(outcome).toBe(Outcome.Applied)
      const after = await spoke.publicClient.readContract({ address: usdc, abi: MockERC20.abi, functionName: 'balanceOf', args: [u.address] })
      expect(after - before).toBe(400_000n)
      expect(await read('escrowOf', u.address)).toBe(0n)
      expect((await request(id)).status).toBe(Status.Executed)

      const again = await command({ kind: 'ApproveWithdrawal', account: u.address, requestId: id, lockEpoch: 0 })
      expect((await execute(await vaa(again.payload))).outcome).toBe(Outcome.RequestNotPending)
    })

    it('returns the escrow to the free balance when the hub rejects a withdrawal', async () => {
      const u = user(1)
      await deposit(1, 500n)
      const id = await requestWithdrawal(1, 500n)
      const { payload } = await command({ kind: 'RejectWithdrawal', account: u.address, requestId: id, reason: 1 })
      const { outcome, logs } = await execute(await vaa(payload))
      expect(outcome).toBe(Outcome.Applied)
      expect(logs.some((l) => l.eventName === 'WithdrawalRejected')).toBe(true)
      expect(await read('balanceOf', u.address)).toBe(500n)
      expect(await read('escrowOf', u.address)).toBe(0n)
      expect((await request(id)).status).toBe(Status.Rejected)
    })

    it('voids a pending approval decided before a Lock, and pays only an approval at the new epoch after Unlock', async () => {
      const u = user(2)
      await deposit(2, 1_000n)
      const id = await requestWithdrawal(2, 700n)
      const approvalAtEpoch0 = await command({ kind: 'ApproveWithdrawal', account: u.address, requestId: id, lockEpoch: 0 })
      const approvalVaa = await vaa(approvalAtEpoch0.payload)

      const lock = await command({ kind: 'Lock', account: u.address, lockEpoch: 1 })
      expect((await execute(await vaa(lock.payload))).outcome).toBe(Outcome.Applied)
      expect((await execute(approvalVaa)).outcome).toBe(Outcome.VoidedByLock)
      expect((await request(id)).status).toBe(Status.Pending)
      expect(await read('escrowOf', u.address)).toBe(700n)

      const unlock = await command({ kind: 'Unlock', account: u.address, lockEpoch: 1 })
      expect((await execute(await vaa(unlock.payload))).outcome).toBe(Outcome.Applied)
      const stale = await command({ kind: 'ApproveWithdrawal', account: u.address, requestId: id, lockEpoch: 0 })
      expect((await execute(await vaa(stale.payload))).outcome).toBe(Outcome.VoidedByLock)

      const fresh = await command({ kind: 'ApproveWithdrawal', account: u.address, requestId: id, lockEpoch: 1 })
      expect((await execute(await vaa(fresh.payload))).outcome).toBe(Outcome.Applied)
      expect((await request(id)).status).toBe(Status.Executed)
    })

    it('refuses a withdrawal request while the account is locked', async () => {
      const u = user(3) // locked by an earlier test
      expect((await lockOf(u.address))[0]).toBe(true)
      const call = spoke.publicClient.simulateContract({
        address: vault,
        abi: MarginVault.abi,
        functionName: 'requestWithdrawal',
        args: [usdc, 1n, u.address],
        account: privateKeyToAccount(u.key),
      })
      await expectRevert(call, 'AccountIsLocked')
    })

    it('pays an approved withdrawal larger than the balance on this chain from pooled tokens, leaving a negative balance', async () => {
      await Promise.all([6, 7, 8].map(fund))
      const lender = user(6)
      await deposit(6, 10_000n)
      const borrower = user(7)
      await deposit(7, 100n)
      const id = await requestWithdrawal(7, 2_500n)
      expect(await read('balanceOf', borrower.address)).toBe(-2_400n)
      const { payload } = await command({ kind: 'ApproveWithdrawal', account: borrower.address, requestId: id, lockEpoch: 0 })
      expect((await execute(await vaa(payload))).outcome).toBe(Outcome.Applied)
      expect(await read('balanceOf', borrower.address)).toBe(-2_400n)
      expect(await read('balanceOf', lender.address)).toBe(10_000n)

      await deposit(7, 2_400n)
      expect(await read('balanceOf', borrower.address)).toBe(0n)
    })

    it('keeps an approval pending when the vault holds too few tokens to pay it', async () => {
      const u = user(8)
      const held = await spoke.publicClient.readContract({ address: usdc, abi: MockERC20.abi, functionName: 'balanceOf', args: [vault] })
      const id = await requestWithdrawal(8, held + 1n)
      const { payload } = await command({ kind: 'ApproveWithdrawal', account: u.address, requestId: id, lockEpoch: 0 })
      expect((await execute(await vaa(payload))).outcome).toBe(Outcome.InsufficientLiquidity)
      expect((await request(id)).status).toBe(Status.Pending)
      const reject = await command({ kind: 'RejectWithdrawal', account: u.address, requestId: id, reason: 1 })
      expect((await execute(await vaa(reject.payload))).outcome).toBe(Outcome.Applied)
      expect(await read('balanceOf', u.address)).toBe(0n)
    })

    it('refuses a zero withdrawal request and a deposit of an unlisted asset', async () => {
      const u = user(1)
      const account = privateKeyToAccount(u.key)
      const req = (amount: bigint) =>
        spoke.publicClient.simulateContract({ address: vault, abi: MarginVault.abi, functionName: 'requestWithdrawal', args: [usdc, amount, u.address], account })
      await expectRevert(req(0n), 'ZeroAmount')
      const dep = spoke.publicClient.simulateContract({ address: vault, abi: MarginVault.abi, functionName: 'deposit', args: [vault, 1n, u.address], account })
      await expectRevert(dep, 'UnsupportedAsset')
    })
  })

  describe('liquidation commands', () => {
    it('seizes at most the positive balance into the receiver\'s vault balance, without moving tokens', async () => {
      const u = user(4) // locked at epoch 1 by the replay test
      await deposit(4, 300n)
      const receiver = privateKeyToAddress(devnet.keys.receiver)
      const held = await spoke.publicClient.readContract({ address: usdc, abi: MockERC20.abi, functionName: 'balanceOf', args: [vault] })
      const { payload } = await command({ kind: 'Seize', account: u.address, lockEpoch: 1, asset: usdc, amount: 1_000n, receiver })
      const { outcome, logs } = await execute(await vaa(payload))
      expect(outcome).toBe(Outcome.Applied)
      const seized = logs.find((l) => l.eventName === 'Seized')
      expect(seized?.eventName === 'Seized' && seized.args.amount).toBe(300n)
      expect(await read('balanceOf', u.address)).toBe(0n)
      expect(await read('balanceOf', receiver)).toBe(300n)
      expect(await spoke.publicClient.readContract({ address: usdc, abi: MockERC20.abi, functionName: 'balanceOf', args: [vault] })).toBe(held)
    })

    it('answers StaleEpoch to a Seize, Lock or Unlock that does not match the account\'s lock epoch', async () => {
      const u = user(4) // locked at epoch 1
      const receiver = privateKeyToAddress(devnet.keys.receiver)
      const seize = await command({ kind: 'Seize', account: u.address, lockEpoch: 2, asset: usdc, amount: 1n, receiver })
      expect((await execute(await vaa(seize.payload))).outcome).toBe(Outcome.StaleEpoch)
      const lock = await command({ kind: 'Lock', account: u.address, lockEpoch: 1 })
      expect((await execute(await vaa(lock.payload))).outcome).toBe(Outcome.StaleEpoch)
      const unlock = await command({ kind: 'Unlock', account: u.address, lockEpoch: 0 })
      expect((await execute(await vaa(unlock.payload))).outcome).toBe(Outcome.StaleEpoch)
    })

    it('moves an unlocked account to the epoch of a cancelled lock it never applied, so that lock arriving late is stale', async () => {
      const u = user(9) // never locked: epoch 0
      const cancelled = await command({ kind: 'Unlock', account: u.address, lockEpoch: 1 })
      const receipt = await execute(await vaa(cancelled.payload))
      expect(receipt.outcome).toBe(Outcome.Applied)
      expect(await lockOf(u.address)).toEqual([false, 1])
      // the same epoch again, or an older one, changes nothing
      const again = await command({ kind: 'Unlock', account: u.address, lockEpoch: 1 })
      expect((await execute(await vaa(again.payload))).outcome).toBe(Outcome.StaleEpoch)
      const late = await command({ kind: 'Lock', account: u.address, lockEpoch: 1 })
      expect((await execute(await vaa(late.payload))).outcome).toBe(Outcome.StaleEpoch)
      expect(await lockOf(u.address)).toEqual([false, 1])
      // an approval decided at the hub's epoch is paid
      await fund(9)
      await deposit(9, 500n)
      const id = await requestWithdrawal(9, 200n)
      const approval = await command({ kind: 'ApproveWithdrawal', account: u.address, requestId: id, lockEpoch: 1 })
      expect((await execute(await vaa(approval.payload))).outcome).toBe(Outcome.Applied)
    })
  })

  describe('MarginHub', () => {
    it('publishes a command whose VAA the vault on another chain executes', async () => {
      const hubChain = devnet.chains[0]!
      const account = user(5).address
      const { payload, commandId } = await command({ kind: 'Lock', account, lockEpoch: 2 })
      const hash = await hubChain.wallet(devnet.keys.relayer).writeContract({
        address: devnet.hub.address,
        abi: MarginHub.abi,
        functionName: 'publish',
        args: [payload, await coSign(devnet, payload)],
      })
      const receipt = await hubChain.publicClient.waitForTransactionReceipt({ hash })
      const [published] = parseEventLogs({ abi: MarginHub.abi, eventName: 'CommandPublished', logs: receipt.logs })
      expect(published?.args.commandId).toBe(commandId)

      const [message] = await signPublishedMessages({
        publicClient: hubChain.publicClient,
        txHash: hash,
        wormhole: hubChain.addresses.wormhole,
        emitterChain: hubChain.wormholeChainId,
        guardianKeys: devnet.keys.guardians,
      })
      expect(message?.payload).toBe(payload)
      expect(message?.sequence).toBe(published?.args.sequence)
      expect((await execute(message!.vaa)).outcome).toBe(Outcome.Applied)
      expect(await lockOf(account)).toEqual([true, 2])
    })

    it('refuses to publish for an address that is not a publisher', async () => {
      const hubChain = devnet.chains[0]!
      const { payload } = await command({ kind: 'Lock', account: user(5).address, lockEpoch: 3 })
      const call = hubChain.publicClient.simulateContract({
        address: devnet.hub.address,
        abi: MarginHub.abi,
        functionName: 'publish',
        args: [payload, await coSign(devnet, payload)],
        account: privateKeyToAccount(devnet.keys.users[0]!),
      })
      await expectRevert(call, 'NotPublisher')
    })

    it('refuses to publish a payload that is not a command', async () => {
      const hubChain = devnet.chains[0]!
      const call = hubChain.publicClient.simulateContract({
        address: devnet.hub.address,
        abi: MarginHub.abi,
        functionName: 'publish',
        args: ['0x0203', []],
        account: privateKeyToAccount(devnet.keys.relayer),
      })
      await expectRevert(call, 'UnsupportedVersion')
    })
  })
})
