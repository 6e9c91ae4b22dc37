import { MarginVault } from '@unimargin/contracts'
import { encodeCommand } from '@unimargin/protocol'
import { keccak256, toHex } from 'viem'
import { privateKeyToAccount, privateKeyToAddress } from 'viem/accounts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Devnet, signTestVaa, startDevnet } from './devnet.js'
import { expectRevert } from './revert.js'

describe('Wormhole quorum with a 19-guardian local set, on-chain', () => {
  let devnet: Devnet
  beforeAll(async () => {
    devnet = await startDevnet({ chains: 1, basePort: 19955, guardianCount: 19 })
  })
  afterAll(() => devnet?.stop())

  const chain = () => devnet.chains[0]!
  async function lockVaa(epoch: number, signers: number[]) {
    const c = chain()
    const now = (await c.publicClient.getBlock()).timestamp
    const payload = encodeCommand({
      kind: 'Lock',
      commandId: keccak256(toHex(`quorum-${epoch}`)),
      destChainId: BigInt(c.chainId),
      vault: c.addresses.vault,
      expiry: now + 3600n,
      account: privateKeyToAddress(devnet.keys.users[0]!),
      lockEpoch: epoch,
    })
    return signTestVaa({ guardianKeys: devnet.keys.guardians, signers, emitterChain: devnet.hub.wormholeChainId, emitterAddress: devnet.hub.address, sequence: BigInt(epoch), payload })
  }
  const simulate = (vaa: `0x${string}`) =>
    chain().publicClient.simulateContract({
      address: chain().addresses.vault,
      abi: MarginVault.abi,
      functionName: 'executeCommand',
      args: [vaa],
      account: privateKeyToAccount(devnet.keys.relayer),
    })

  it('accepts a command signed by 13 of 19 guardians', async () => {
    expect(devnet.keys.guardians).toHaveLength(19)
    const { request } = await simulate(await lockVaa(1, [0, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18]))
    const hash = await chain().wallet(devnet.keys.relayer).writeContract(request)
    expect((await chain().publicClient.waitForTransactionReceipt({ hash })).status).toBe('success')
  })

  it('rejects the same command signed by 12 of 19 guardians with "no quorum"', async () => {
    const [reason] = await expectRevert(simulate(await lockVaa(2, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11])), 'InvalidVaa')
    expect(reason).toMatch(/no quorum/)
  })
})
