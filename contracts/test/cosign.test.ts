import { MarginHub } from '@unimargin/contracts'
import { type Command, encodeCommand, hashCommand, orderCoSignatures, signCommand } from '@unimargin/protocol'
import { type Address, getAddress, type Hex, keccak256, slice, toHex } from 'viem'
import { privateKeyToAccount, privateKeyToAddress } from 'viem/accounts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { coSign, coSignWithKeys, DEVNET_COSIGNER_DELAY_SECONDS, DEVNET_COSIGNER_THRESHOLD, type Devnet, type DevnetChain, startDevnet, throughTimelock } from './devnet.js'
import { expectRevert } from './revert.js'

const BASE_PORT = 33045

describe('MarginHub co-signers: k-of-n EIP-712 signatures on every publish, timelocked changes', () => {
  let devnet: Devnet
  let hub: DevnetChain
  let ids = 0

  beforeAll(async () => {
    devnet = await startDevnet({ chains: 1, basePort: BASE_PORT })
    hub = devnet.chains[0]!
  })
  afterAll(() => devnet?.stop())

  const relayer = () => privateKeyToAccount(devnet.keys.relayer)
  const account = (label: string): Address => getAddress(slice(keccak256(toHex(`cosign-test-account-${label}`)), 12))
  const location = () => ({ chainId: devnet.hub.chainId, hub: devnet.hub.address })
  /** a stranger's key: never registered as a co-signer */
  const strangerKey = keccak256(toHex('cosign-test-stranger'))

  async function command(c: Partial<Command> & Pick<Command, 'kind'>): Promise<Hex> {
    const expiry = (await hub.publicClient.getBlock()).timestamp + 3600n
    return encodeCommand({ commandId: keccak256(toHex(`cosign-test-${ids++}`)), destChainId: BigInt(hub.chainId), vault: hub.addresses.vault, expiry, account: account('a'), lockEpoch: 1, ...c } as Command)
  }
  const simulatePublish = (payload: Hex, signatures: Hex[]) =>
    hub.publicClient.simulateContract({ address: devnet.hub.address, abi: MarginHub.abi, functionName: 'publish', args: [payload, signatures], account: relayer() })
  const read = <F extends 'threshold' | 'coSigners' | 'isPublisher' | 'commandDigest' | 'pendingCoSigners'>(functionName: F, args: readonly unknown[] = []) =>
    // biome-ignore lint/suspicious/noExplicitAny: the view's arguments depend on `functionName`
    hub.publicClient.readContract({ address: devnet.hub.address, abi: MarginHub.abi, functionName, args } as any)
  async function mined(hash: Promise<Hex>) {
    const receipt = await hub.publicClient.waitForTransactionReceipt({ hash: await hash })
    expect(receipt.status).toBe('success')
    return receipt
  }

  it('computes the same EIP-712 digest in Solidity (commandDigest) as hashCommand in TypeScript, for every body layout', async () => {
    const payloads = [
      await command({ kind: 'Lock', lockEpoch: 7 }),
      await command({ kind: 'Seize', lockEpoch: 2, asset: hub.addresses.tokens.USDC, amount: 123_456_789n, receiver: account('r') }),
      await command({ kind: 'ApproveWithdrawal', requestId: 42n, lockEpoch: 0 }),
      await command({ kind: 'SetLimits', account: '0x0000000000000000000000000000000000000000', asset: hub.addresses.tokens.ETH, outflowLimit: 10n ** 24n, periodSeconds: 3600, paused: false, limitsSequence: 3n }),
    ]
    for (const payload of payloads) expect(await read('commandDigest', [payload])).toBe(hashCommand(payload, location()))
  })

  it('is deployed with the devnet co-signers, threshold 2 of 3 and the relayer as publisher', async () => {
    expect(await read('coSigners')).toEqual(devnet.keys.coSigners.map((k) => privateKeyToAddress(k)))
    expect(await read('threshold')).toBe(DEVNET_COSIGNER_THRESHOLD)
    expect(await read('isPublisher', [relayer().address])).toBe(true)
  })

  it('publishes with k or more signatures in increasing signer order', async () => {
    const payload = await command({ kind: 'Lock' })
    await simulatePublish(payload, await coSign(devnet, payload, 2))
    await simulatePublish(payload, await coSign(devnet, payload, 3))
    const [, second, third] = devnet.keys.coSigners
    await simulatePublish(payload, await coSignWithKeys(payload, devnet.hub, [second!, third!]))
  })

  it('rejects the relayer key alone: no signatures, or fewer than the threshold', async () => {
    const payload = await command({ kind: 'Lock' })
    expect(await expectRevert(simulatePublish(payload, []), 'InsufficientCoSignatures')).toEqual([0n, 2n])
    expect(await expectRevert(simulatePublish(payload, await coSign(devnet, payload, 1)), 'InsufficientCoSignatures')).toEqual([1n, 2n])
  })

  it('rejects a duplicated signature and signatures out of signer order', async () => {
    const payload = await command({ kind: 'Lock' })
    const [one] = await coSign(devnet, payload, 1)
    const [low, high] = await coSign(devnet, payload, 2)
    await expectRevert(simulatePublish(payload, [one!, one!]), 'CoSignersNotAscending')
    await expectRevert(simulatePublish(payload, [high!, low!]), 'CoSignersNotAscending')
  })

  it('rejects a signature by a key that is not a registered co-signer, even alongside k valid ones', async () => {
    const payload = await command({ kind: 'Lock' })
    const signed = await Promise.all([devnet.keys.coSigners[0]!, devnet.keys.coSigners[1]!, strangerKey].map((k) => signCommand(payload, privateKeyToAccount(k), location())))
    const args = await expectRevert(simulatePublish(payload, orderCoSignatures(signed)), 'NotCoSigner')
    expect(args).toEqual([privateKeyToAddress(strangerKey)])
  })

  it('rejects signatures of another payload: the signed payload hash covers the body (a Seize amount changed after signing)', async () => {
    const seize = { kind: 'Seize', lockEpoch: 1, asset: hub.addresses.tokens.USDC, amount: 100n, receiver: account('r'), commandId: keccak256(toHex('cosign-test-seize')) } as const
    const signed = await command(seize)
    const signatures = await coSign(devnet, signed)
    const tampered = await command({ ...seize, amount: 10n ** 30n })
    await expectRevert(simulatePublish(tampered, signatures), 'NotCoSigner')
    await simulatePublish(signed, signatures)
  })

  it('checks co-signatures per payload in publishBatch and publishLzBatch', async () => {
    const [a, b] = [await command({ kind: 'Lock' }), await command({ kind: 'Lock' })]
    const good = await coSign(devnet, a)
    const call = (signatures: Hex[][]) =>
      hub.publicClient.simulateContract({ address: devnet.hub.address, abi: MarginHub.abi, functionName: 'publishBatch', args: [[a, b], signatures], account: relayer() })
    await call([good, await coSign(devnet, b)])
    await expectRevert(call([good, await coSign(devnet, b, 1)]), 'InsufficientCoSignatures')
    await expectRevert(call([good]), 'LengthMismatch')
    const eid = hub.addresses.layerzero.eid
    await expectRevert(
      hub.publicClient.simulateContract({ address: devnet.hub.address, abi: MarginHub.abi, functionName: 'publishLzBatch', args: [[eid], [a], ['0x'], [0n], [[]]], account: relayer() }),
      'InsufficientCoSignatures',
    )
  })

  it('refuses invalid co-signer sets and proposals from anyone but the owner', async () => {
    const signers = devnet.keys.coSigners.map((k) => privateKeyToAddress(k))
    // the hub's owner is its chain's timelock: a proposal is simulated from it, as the timelock would execute it
    const propose = (s: Address[], threshold: number, key?: Hex) =>
      hub.publicClient.simulateContract({
        address: devnet.hub.address,
        abi: MarginHub.abi,
        functionName: 'proposeCoSigners',
        args: [s, threshold],
        account: key ? privateKeyToAccount(key) : hub.addresses.timelock!,
      })
    await expectRevert(propose(signers, 0), 'InvalidCoSignerSet')
    await expectRevert(propose(signers, 4), 'InvalidCoSignerSet')
    await expectRevert(propose([], 1), 'InvalidCoSignerSet')
    await expectRevert(propose([signers[0]!, signers[0]!], 1), 'InvalidCoSignerSet')
    await expectRevert(propose([signers[0]!, '0x0000000000000000000000000000000000000000'], 1), 'InvalidCoSignerSet')
    await expectRevert(propose(signers, 2, devnet.keys.relayer), 'OwnableUnauthorizedAccount')
    await expectRevert(propose(signers, 2, devnet.keys.deployer), 'OwnableUnauthorizedAccount')
  })

  it('changes publishers only after the timelock', async () => {
    const newcomer = privateKeyToAddress(devnet.keys.users[0]!)
    await throughTimelock(hub, { address: devnet.hub.address, abi: MarginHub.abi, functionName: 'proposePublisher', args: [newcomer, true] })
    const execute = () => hub.publicClient.simulateContract({ address: devnet.hub.address, abi: MarginHub.abi, functionName: 'executePublisher', account: relayer() })
    await expectRevert(execute(), 'ProposalNotReady')
    expect(await read('isPublisher', [newcomer])).toBe(false)
    await hub.testClient.increaseTime({ seconds: DEVNET_COSIGNER_DELAY_SECONDS })
    await hub.testClient.mine({ blocks: 1 })
    await mined(hub.wallet(devnet.keys.relayer).writeContract((await execute()).request))
    expect(await read('isPublisher', [newcomer])).toBe(true)
    await expectRevert(execute(), 'ProposalNotReady')
  })

  it('changes the co-signer set only after the timelock: the old set signs until then, the new one after', async () => {
    const stranger = privateKeyToAddress(strangerKey)
    const [first] = devnet.keys.coSigners
    const next = [privateKeyToAddress(first!), stranger]
    const proposal = await throughTimelock(hub, { address: devnet.hub.address, abi: MarginHub.abi, functionName: 'proposeCoSigners', args: [next, 2] })
    const [, , eta] = (await read('pendingCoSigners')) as [Address[], number, bigint]
    const proposedAt = (await hub.publicClient.getBlock({ blockNumber: proposal.blockNumber })).timestamp
    expect(eta).toBe(proposedAt + BigInt(DEVNET_COSIGNER_DELAY_SECONDS))

    const execute = () => hub.publicClient.simulateContract({ address: devnet.hub.address, abi: MarginHub.abi, functionName: 'executeCoSigners', account: relayer() })
    await expectRevert(execute(), 'ProposalNotReady')
    const payload = await command({ kind: 'Lock' })
    const withStranger = await coSignWithKeys(payload, devnet.hub, [first!, strangerKey])
    await expectRevert(simulatePublish(payload, withStranger), 'NotCoSigner')
    await simulatePublish(payload, await coSign(devnet, payload))

    await hub.testClient.increaseTime({ seconds: DEVNET_COSIGNER_DELAY_SECONDS - 60 })
    await hub.testClient.mine({ blocks: 1 })
    await expectRevert(execute(), 'ProposalNotReady')
    await hub.testClient.increaseTime({ seconds: 60 })
    await hub.testClient.mine({ blocks: 1 })
    await mined(hub.wallet(devnet.keys.relayer).writeContract((await execute()).request))

    expect(await read('coSigners')).toEqual(next)
    await simulatePublish(payload, withStranger)
    const [, second, third] = devnet.keys.coSigners
    await expectRevert(simulatePublish(payload, await coSignWithKeys(payload, devnet.hub, [second!, third!])), 'NotCoSigner')
  })
})
