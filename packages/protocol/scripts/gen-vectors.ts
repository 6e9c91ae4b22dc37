/**
 * Writes `vectors/commands.json`: one encoded command per kind plus malformed payloads. The Solidity decoder
 * (contracts) and the TypeScript codec are both tested against this file. Rerun only when the layout changes.
 */
import { writeFileSync } from 'node:fs'
import { keccak256, stringToHex } from 'viem'
import { type Command, encodeCommand } from '../src/command/index.js'

const id = (s: string) => keccak256(stringToHex(s))
const base = {
  destChainId: 31338n,
  vault: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
  expiry: 1893456000n,
  account: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
} as const
const commands: Command[] = [
  { kind: 'ApproveWithdrawal', commandId: id('approve'), ...base, requestId: 7n, lockEpoch: 2 },
  { kind: 'RejectWithdrawal', commandId: id('reject'), ...base, requestId: 18446744073709551615n, reason: 1 },
  { kind: 'Lock', commandId: id('lock'), ...base, lockEpoch: 3 },
  { kind: 'Unlock', commandId: id('unlock'), ...base, lockEpoch: 4294967295 },
  {
    kind: 'Seize',
    commandId: id('seize'),
    ...base,
    lockEpoch: 3,
    asset: '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512',
    amount: 2n ** 256n - 1n,
    receiver: '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC',
  },
  {
    kind: 'SetLimits',
    commandId: id('set-limits'),
    ...base,
    account: '0x0000000000000000000000000000000000000000',
    asset: '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512',
    outflowLimit: 250_000n * 10n ** 6n,
    periodSeconds: 86400,
    paused: true,
    limitsSequence: 0x0102030405060708n, // distinct bytes, so a byte-order mistake shows
  },
]
const json = (v: unknown) => JSON.parse(JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? x.toString() : x)))
const valid = commands.map((command) => ({ command: json(command), payload: encodeCommand(command) }))
const lock = valid[2]!.payload
const setLimits = valid[5]!.payload
const invalid = [
  { why: 'version 2', payload: `0x02${lock.slice(4)}` },
  { why: 'unknown kind 9', payload: `0x0109${lock.slice(6)}` },
  { why: 'truncated by one byte', payload: lock.slice(0, -2) },
  { why: 'one trailing byte', payload: `${lock}00` },
  { why: 'empty', payload: '0x' },
  // the paused byte is the one before the 8-byte limitsSequence
  { why: 'SetLimits paused flag 2', payload: `${setLimits.slice(0, -18)}02${setLimits.slice(-16)}` },
]
writeFileSync(new URL('../vectors/commands.json', import.meta.url), `${JSON.stringify({ valid, invalid }, null, 2)}\n`)
