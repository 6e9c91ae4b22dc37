import type { StandardMerkleTree } from '@openzeppelin/merkle-tree'
import { LzEndpointV2, MarginVault, MockERC20 } from '@unimargin/contracts'
import { type Abi, type Address, type Hex, keccak256, parseEventLogs, toHex, zeroAddress } from 'viem'
import { privateKeyToAccount, privateKeyToAddress } from 'viem/accounts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  advanceTime,
  type CommandInput,
  DEVNET_ESCAPE_DELAY_SECONDS,
  type Devnet,
  type DevnetChain,
  type EscapeLeafValues as Leaf,
  escapeProof as proofOf,
  escapeTree,
  type HubCommands,
  hubCommands,
  lzReceiveArgs,
  mintAndDeposit,
  requestWithdrawal as request,
  startDevnet,
  verifyPacket,
} from './devnet.js'
import { expectRevert } from './revert.js'

const Outcome = { Applied: 0, Superseded: 6 } as const
/** USDC has 6 decimals: `usdc(12)` is 12 USDC in base units. */
const usdc = (whole: number) => BigInt(whole) * 10n ** 6n
/** Errors an `EndpointV2.lzReceive` can revert with: the endpoint's own and the vault's. */
const DELIVERY_ABI = [...LzEndpointV2.abi, ...MarginVault.abi.filter((x) => x.type === 'error')] as Abi

/**
 * The escape hatch on three real anvil chains with the real Wormhole core and LayerZero endpoint. Three accounts:
 * A deposits on chains 0 and 1; B deposits on chains 1 and 2, borrows on chain 0 (paid from A's tokens there) and
 * leaves a request pending on chain 2; D first deposits on chain 2 after the checkpoint. The hub checkpoints, then
 * A deposits once more and is paid a withdrawal approved after the checkpoint, and the hub goes silent.
 */
describe('MarginVault escape hatch: checkpoints, escape mode and claims', () => {
  const BASE_PORT = 32000
  let devnet: Devnet
  let chains: DevnetChain[]
  /** each chain's hub commands, by chain index */
  let commands: HubCommands[]
  const gas: Record<string, bigint> = {}

  beforeAll(async () => {
    devnet = await startDevnet({ chains: 3, basePort: BASE_PORT })
    chains = devnet.chains
    commands = chains.map((c, i) => hubCommands(devnet, c, { label: `escape-test-command-${i}`, firstSequence: BigInt(i) * 1_000_000n, ttlSeconds: 30n * 86_400n }))
  })
  afterAll(() => devnet?.stop())

  const user = (i: number) => ({ key: devnet.keys.users[i]!, address: privateKeyToAddress(devnet.keys.users[i]!) })
  const A = () => user(0)
  const B = () => user(1)
  const D = () => user(2)
  const vaultOf = (c: DevnetChain) => c.addresses.vault
  const usdcOf = (c: DevnetChain) => c.addresses.tokens.USDC

  const commandsOf = (c: DevnetChain) => commands[chains.indexOf(c)]!
  const sign = async (c: DevnetChain, command: CommandInput) => commandsOf(c).vaa((await commandsOf(c).encode(command)).payload)

  /** Signs `command` into a MarginHub VAA for chain `c`'s vault, relays it and returns the receipt's outcome. */
  async function execute(c: DevnetChain, command: CommandInput) {
    const receipt = await commandsOf(c).executeVaa(await sign(c, command))
    expect(receipt.status).toBe('success')
    const executed = parseEventLogs({ abi: MarginVault.abi, logs: receipt.logs, eventName: 'CommandExecuted' })[0]
    if (!executed) throw new Error('no CommandExecuted event')
    return { outcome: executed.args.outcome, gasUsed: receipt.gasUsed }
  }

  async function deposit(c: DevnetChain, u: { key: Hex; address: Address }, amount: bigint) {
    expect((await mintAndDeposit(devnet, c, u.key, amount)).status).toBe('success')
  }
  const requestWithdrawal = (c: DevnetChain, u: { key: Hex; address: Address }, amount: bigint) => request(c, u.key, amount)

  const tokensOf = (c: DevnetChain, holder: Address) => c.publicClient.readContract({ address: usdcOf(c), abi: MockERC20.abi, functionName: 'balanceOf', args: [holder] })
  const ledgerOf = (c: DevnetChain, account: Address) => c.publicClient.readContract({ address: vaultOf(c), abi: MarginVault.abi, functionName: 'escapeLedgerOf', args: [account, usdcOf(c)] })

  /** Builds chain `c`'s tree from `entitlements` with the counters the vault reports now, as the hub would. */
  async function snapshotTree(c: DevnetChain, entitlements: Array<[Address, bigint]>) {
    const leaves: Leaf[] = []
    for (const [account, entitlement] of entitlements) {
      const l = await ledgerOf(c, account)
      leaves.push([account, usdcOf(c), entitlement, l.credited, l.debited])
    }
    const asOfBlock = await c.publicClient.getBlockNumber({ cacheTime: 0 })
    return { tree: escapeTree(leaves), asOfBlock }
  }

  const checkpoint = (c: DevnetChain, epoch: bigint, root: Hex, asOfBlock: bigint) =>
    execute(c, { kind: 'Checkpoint', account: zeroAddress, epoch, root, asOfBlock })

  const simulateClaim = (c: DevnetChain, u: { key: Hex }, leaf: Leaf, proof: Hex[]) =>
    c.publicClient.simulateContract({ address: vaultOf(c), abi: MarginVault.abi, functionName: 'claimEscape', args: [leaf[1], leaf[2], leaf[3], leaf[4], proof], account: privateKeyToAccount(u.key) })

  async function claim(c: DevnetChain, u: { key: Hex; address: Address }, leaf: Leaf, proof: Hex[]): Promise<bigint> {
    const before = await tokensOf(c, u.address)
    const { request } = await simulateClaim(c, u, leaf, proof)
    const receipt = await c.publicClient.waitForTransactionReceipt({ hash: await c.wallet(u.key).writeContract(request) })
    expect(receipt.status).toBe('success')
    gas[`claimEscape_proof${proof.length}`] = receipt.gasUsed
    return (await tokensOf(c, u.address)) - before
  }

  const trees: Array<StandardMerkleTree<Leaf>> = []
  let oldTree: StandardMerkleTree<Leaf>

  it('refuses escape mode while the hub is live, and before any claim is possible', async () => {
    const c = chains[1]!
    const [activatableAt] = await expectRevert(c.publicClient.simulateContract({ address: vaultOf(c), abi: MarginVault.abi, functionName: 'activateEscape' }), 'EscapeTooEarly')
    const lastHubCommandAt = await c.publicClient.readContract({ address: vaultOf(c), abi: MarginVault.abi, functionName: 'lastHubCommandAt' })
    expect(activatableAt).toBe(BigInt(lastHubCommandAt) + DEVNET_ESCAPE_DELAY_SECONDS)
    await expectRevert(c.publicClient.simulateContract({ address: vaultOf(c), abi: MarginVault.abi, functionName: 'claimEscapeWithoutLeaf', args: [usdcOf(c)], account: privateKeyToAccount(A().key) }), 'EscapeNotActive')
  })

  it('counts deposits and payouts in the cumulative counters the leaves carry', async () => {
    const [c0, c1, c2] = chains as [DevnetChain, DevnetChain, DevnetChain]
    await deposit(c0, A(), usdc(1000))
    await deposit(c1, A(), usdc(500))
    await deposit(c1, B(), usdc(2000))
    await deposit(c2, B(), usdc(400))
    // B borrows 300 on chain 0 against its collateral elsewhere: paid from A's tokens there
    const borrow = await requestWithdrawal(c0, B(), usdc(300))
    expect((await execute(c0, { kind: 'ApproveWithdrawal', account: B().address, requestId: borrow, lockEpoch: 0 })).outcome).toBe(Outcome.Applied)
    // B's request of 100 on chain 2 stays pending: its escrow is still B's
    await requestWithdrawal(c2, B(), usdc(100))
    expect(await ledgerOf(c0, B().address)).toMatchObject({ credited: 0n, debited: usdc(300), claimed: false })
    expect(await ledgerOf(c2, B().address)).toMatchObject({ credited: usdc(400), debited: 0n })
  })

  it('applies a newer checkpoint and consumes an older one as Superseded', async () => {
    const c1 = chains[1]!
    // a first checkpoint on chain 1 whose root is then replaced: its proofs must no longer pay
    const first = await snapshotTree(c1, [
      [A().address, usdc(500)],
      [B().address, usdc(2000)],
    ])
    oldTree = first.tree
    const applied = await checkpoint(c1, 1n, first.tree.root as Hex, first.asOfBlock)
    expect(applied.outcome).toBe(Outcome.Applied)
    gas.checkpointFirst = applied.gasUsed

    // Entitlements (USDC at 1 USD, no positions): A holds 1500 in all, B 2400 - 300 = 2100.
    // Chain 0 holds 700 tokens: A's own 1000 is capped at 700, B (−300 there) gets 0.
    // Chain 1 holds 2500: A's own 500 first, B's own 2000 would exceed B's 2100 with chain 2's 400, so B 1700;
    // the 300 left over is spare capacity that takes A's remaining 300. Chain 2 holds 400: B's own 400.
    const plan: Array<Array<[Address, bigint]>> = [
      [
        [A().address, usdc(700)],
        [B().address, 0n],
      ],
      [
        [A().address, usdc(800)],
        [B().address, usdc(1700)],
      ],
      [[B().address, usdc(400)]],
    ]
    for (const [i, c] of chains.entries()) {
      const { tree, asOfBlock } = await snapshotTree(c, plan[i]!)
      trees[i] = tree
      const result = await checkpoint(c, 2n, tree.root as Hex, asOfBlock)
      expect(result.outcome).toBe(Outcome.Applied)
      if (i === 1) gas.checkpointNext = result.gasUsed
    }
    expect((await checkpoint(c1, 1n, oldTree.root as Hex, 1n)).outcome).toBe(Outcome.Superseded)
    expect((await checkpoint(c1, 2n, oldTree.root as Hex, 1n)).outcome).toBe(Outcome.Superseded)
    const inForce = await c1.publicClient.readContract({ address: vaultOf(c1), abi: MarginVault.abi, functionName: 'checkpoint' })
    expect(inForce).toMatchObject({ epoch: 2n, root: trees[1]!.root })
  })

  it('after the checkpoint: a deposit, a payout approved by the hub and a first-time depositor', async () => {
    const [c0, c1, c2] = chains as [DevnetChain, DevnetChain, DevnetChain]
    await deposit(c1, A(), usdc(50))
    const request = await requestWithdrawal(c0, A(), usdc(200))
    expect((await execute(c0, { kind: 'ApproveWithdrawal', account: A().address, requestId: request, lockEpoch: 0 })).outcome).toBe(Outcome.Applied)
    await deposit(c2, D(), usdc(70))
  })

  it('lets anyone activate escape mode once no hub command has arrived for the escape delay', async () => {
    for (const c of chains) {
      await advanceTime(c, DEVNET_ESCAPE_DELAY_SECONDS - 60n)
      await expectRevert(c.publicClient.simulateContract({ address: vaultOf(c), abi: MarginVault.abi, functionName: 'activateEscape' }), 'EscapeTooEarly')
      await advanceTime(c, 61)
      const hash = await c.wallet(D().key).writeContract({ address: vaultOf(c), abi: MarginVault.abi, functionName: 'activateEscape' })
      expect((await c.publicClient.waitForTransactionReceipt({ hash })).status).toBe('success')
      expect(await c.publicClient.readContract({ address: vaultOf(c), abi: MarginVault.abi, functionName: 'escapeActivatedAt' })).toBeGreaterThan(0)
      await expectRevert(c.publicClient.simulateContract({ address: vaultOf(c), abi: MarginVault.abi, functionName: 'activateEscape' }), 'EscapeModeActive')
    }
  })

  it('refuses every hub command in escape mode, over Wormhole and over LayerZero, and any new deposit', async () => {
    const c1 = chains[1]!
    const vaa = await sign(c1, { kind: 'Lock', account: A().address, lockEpoch: 1 })
    await expectRevert(c1.publicClient.simulateContract({ address: vaultOf(c1), abi: MarginVault.abi, functionName: 'executeCommand', args: [vaa] }), 'EscapeModeActive')

    const { payload } = await commandsOf(c1).encode({ kind: 'Lock', commandId: keccak256(toHex('escape-lz-lock')), account: A().address, lockEpoch: 1 })
    const packet = await commandsOf(c1).publishLz(payload, 'Lock')
    await verifyPacket(commandsOf(c1).destination(), packet)
    await expectRevert(
      c1.publicClient.simulateContract({ address: c1.addresses.layerzero.endpoint, abi: DELIVERY_ABI, functionName: 'lzReceive', args: lzReceiveArgs(packet, vaultOf(c1)), account: privateKeyToAccount(devnet.keys.relayer) }),
      'EscapeModeActive',
    )
    expect(await c1.publicClient.readContract({ address: vaultOf(c1), abi: MarginVault.abi, functionName: 'accountLock', args: [A().address] })).toEqual([false, 0])

    await devnet.mint(c1.chainId, 'USDC', A().address, usdc(1))
    await c1.publicClient.waitForTransactionReceipt({ hash: await c1.wallet(A().key).writeContract({ address: usdcOf(c1), abi: MockERC20.abi, functionName: 'approve', args: [vaultOf(c1), usdc(1)] }) })
    await expectRevert(c1.publicClient.simulateContract({ address: vaultOf(c1), abi: MarginVault.abi, functionName: 'deposit', args: [usdcOf(c1), usdc(1), A().address], account: privateKeyToAccount(A().key) }), 'EscapeModeActive')
  })

  it('refuses a forged proof, a leaf with altered amounts and a proof under the replaced root', async () => {
    const c1 = chains[1]!
    const { leaf, proof } = proofOf(trees[1]!, A().address)
    await expectRevert(simulateClaim(c1, A(), [leaf[0], leaf[1], leaf[2] + 1n, leaf[3], leaf[4]], proof), 'InvalidEscapeProof')
    await expectRevert(simulateClaim(c1, A(), leaf, [keccak256(toHex('forged'))]), 'InvalidEscapeProof')
    // B's leaf and proof, claimed by A: the leaf names B, so it does not match A's
    const b = proofOf(trees[1]!, B().address)
    await expectRevert(simulateClaim(c1, A(), [A().address, b.leaf[1], b.leaf[2], b.leaf[3], b.leaf[4]], b.proof), 'InvalidEscapeProof')
    const old = proofOf(oldTree, A().address)
    await expectRevert(simulateClaim(c1, A(), old.leaf, old.proof), 'InvalidEscapeProof')
    // A has a leaf: the path without one is closed to it
    await expectRevert(c1.publicClient.simulateContract({ address: vaultOf(c1), abi: MarginVault.abi, functionName: 'claimEscapeWithoutLeaf', args: [usdcOf(c1)], account: privateKeyToAccount(A().key) }), 'EscapeLeafRequired')
  })

  it('pays every account its entitlement plus what arrived after the checkpoint minus what left, once, on every chain', async () => {
    const [c0, c1, c2] = chains as [DevnetChain, DevnetChain, DevnetChain]
    const paid: bigint[] = []
    // chain 0: A's 700 less the 200 paid out after the checkpoint; B's entitlement there is 0
    let p = proofOf(trees[0]!, A().address)
    paid.push(await claim(c0, A(), p.leaf, p.proof))
    expect(paid.at(-1)).toBe(usdc(500))
    p = proofOf(trees[0]!, B().address)
    paid.push(await claim(c0, B(), p.leaf, p.proof))
    expect(paid.at(-1)).toBe(0n)
    // chain 1: A's 800 and its later deposit of 50; B's 1700
    p = proofOf(trees[1]!, A().address)
    paid.push(await claim(c1, A(), p.leaf, p.proof))
    expect(paid.at(-1)).toBe(usdc(850))
    p = proofOf(trees[1]!, B().address)
    paid.push(await claim(c1, B(), p.leaf, p.proof))
    expect(paid.at(-1)).toBe(usdc(1700))
    // chain 2: B's 400, its pending request's escrow included; D, first seen after the checkpoint, without a leaf
    p = proofOf(trees[2]!, B().address)
    paid.push(await claim(c2, B(), p.leaf, p.proof))
    expect(paid.at(-1)).toBe(usdc(400))
    const { request } = await c2.publicClient.simulateContract({ address: vaultOf(c2), abi: MarginVault.abi, functionName: 'claimEscapeWithoutLeaf', args: [usdcOf(c2)], account: privateKeyToAccount(D().key) })
    const before = await tokensOf(c2, D().address)
    await c2.publicClient.waitForTransactionReceipt({ hash: await c2.wallet(D().key).writeContract(request) })
    paid.push((await tokensOf(c2, D().address)) - before)
    expect(paid.at(-1)).toBe(usdc(70))

    // the entitlements (2100 + 1500 + 70 for D, in USDC) plus A's later deposit, minus A's later payout
    expect(paid.reduce((s, x) => s + x, 0n)).toBe(usdc(700 + 800 + 1700 + 400) + usdc(50) - usdc(200) + usdc(70))
    for (const c of chains) expect(await tokensOf(c, vaultOf(c))).toBe(0n)

    await expectRevert(simulateClaim(c1, A(), proofOf(trees[1]!, A().address).leaf, proofOf(trees[1]!, A().address).proof), 'EscapeAlreadyClaimed')
    await expectRevert(c2.publicClient.simulateContract({ address: vaultOf(c2), abi: MarginVault.abi, functionName: 'claimEscapeWithoutLeaf', args: [usdcOf(c2)], account: privateKeyToAccount(D().key) }), 'EscapeAlreadyClaimed')
    expect(await ledgerOf(c1, A().address)).toMatchObject({ claimed: true })
    console.info(`escape gas: ${JSON.stringify(Object.fromEntries(Object.entries(gas).map(([k, v]) => [k, Number(v)])))}`)
  })
})
