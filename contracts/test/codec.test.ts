import { CommandCodecHarness } from '@unimargin/contracts'
import { readFileSync } from 'node:fs'
import { type Address, getAddress, type Hex } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Devnet, startDevnet } from './devnet.js'
import { expectRevert } from './revert.js'

interface Vectors {
  valid: { command: Record<string, string | number | boolean>; payload: Hex }[]
  invalid: { why: string; payload: Hex }[]
}
const vectors = JSON.parse(readFileSync(new URL('../../packages/protocol/vectors/commands.json', import.meta.url), 'utf8')) as Vectors
const KIND = { ApproveWithdrawal: 1, RejectWithdrawal: 2, Lock: 3, Unlock: 4, Seize: 5, SetLimits: 6, Checkpoint: 7 } as const
const ZERO: Address = '0x0000000000000000000000000000000000000000'
const ZERO_32: Hex = `0x${'00'.repeat(32)}`

/** The invalid vectors by their `why`, with the Solidity error each must revert with. */
const EXPECTED_ERRORS: Record<string, string> = {
  'version 2': 'UnsupportedVersion',
  'unknown kind 9': 'UnknownKind',
  'truncated by one byte': 'WrongPayloadLength',
  'one trailing byte': 'WrongPayloadLength',
  empty: 'PayloadTooShort',
  'SetLimits paused flag 2': 'InvalidFlag',
}

describe('CommandCodec.sol against the shared command vectors', () => {
  let devnet: Devnet
  let harness: Address
  beforeAll(async () => {
    devnet = await startDevnet({ chains: 1, basePort: 19545 })
    const c = devnet.chains[0]!
    const hash = await c.walletClient.deployContract({ abi: CommandCodecHarness.abi, bytecode: CommandCodecHarness.bytecode })
    harness = (await c.publicClient.waitForTransactionReceipt({ hash })).contractAddress!
  })
  afterAll(() => devnet?.stop())

  const decode = (payload: Hex) =>
    devnet.chains[0]!.publicClient.readContract({ address: harness, abi: CommandCodecHarness.abi, functionName: 'decode', args: [payload] })

  it.each(vectors.valid.map((v) => [v.command.kind, v] as const))('decodes the %s vector to the same fields as the TypeScript codec', async (_, v) => {
    const c = v.command
    const decoded = await decode(v.payload)
    expect(decoded).toEqual({
      kind: KIND[c.kind as keyof typeof KIND],
      commandId: c.commandId,
      destChainId: BigInt(c.destChainId!),
      vault: getAddress(c.vault as string),
      expiry: BigInt(c.expiry!),
      account: getAddress(c.account as string),
      requestId: BigInt(c.requestId ?? 0),
      lockEpoch: Number(c.lockEpoch ?? 0),
      reason: Number(c.reason ?? 0),
      asset: c.asset ? getAddress(c.asset as string) : ZERO,
      amount: BigInt(c.amount ?? 0),
      receiver: c.receiver ? getAddress(c.receiver as string) : ZERO,
      outflowLimit: BigInt(c.outflowLimit ?? 0),
      periodSeconds: Number(c.periodSeconds ?? 0),
      paused: c.paused === true,
      limitsSequence: BigInt(c.limitsSequence ?? 0),
      checkpointEpoch: BigInt(c.epoch ?? 0),
      root: c.root ?? ZERO_32,
      asOfBlock: BigInt(c.asOfBlock ?? 0),
    })
  })

  it('knows the expected error of every invalid vector', () => {
    expect(vectors.invalid.map((v) => v.why).sort()).toEqual(Object.keys(EXPECTED_ERRORS).sort())
  })

  it.each(vectors.invalid.map((v) => [v.why, v] as const))('rejects the invalid vector "%s"', async (why, v) => {
    await expectRevert(decode(v.payload), EXPECTED_ERRORS[why]!)
  })
})
