import type { CustomConversion, Layout, LayoutToType } from '@wormhole-foundation/sdk-base'
import { type Address, bytesToHex, getAddress, hexToBytes, type Hex } from 'viem'

/** Version byte that starts every command payload. A vault rejects any other value. */
export const COMMAND_VERSION = 1

/**
 * Command kinds, as the `kind` byte on the wire. The numbers are part of the wire format
 * (`contracts/src/CommandCodec.sol` uses the same constants) and must never be reused.
 */
export const CommandKind = {
  ApproveWithdrawal: 1,
  RejectWithdrawal: 2,
  Lock: 3,
  Unlock: 4,
  Seize: 5,
  SetLimits: 6,
  Checkpoint: 7,
} as const
export type CommandKindName = keyof typeof CommandKind

/** Reason codes carried by `RejectWithdrawal` (u8 on the wire, mirrored in Solidity). */
export const RejectReason = {
  /** Post-withdrawal equity would fall below initial margin plus the route's buffer. */
  InsufficientFreeCollateral: 1,
  /** The account is locked for liquidation. */
  AccountLocked: 2,
  /** The asset or chain is not accepted as collateral. */
  UnsupportedAsset: 3,
  /** The request is malformed (zero amount, unknown account, ...). */
  InvalidRequest: 4,
  /** The request expired before a decision. */
  Expired: 5,
  /** The vault on that chain holds too few tokens of the asset to pay it now. */
  InsufficientLiquidity: 6,
  /** The vault on that chain has paused payouts (of the asset, or all of them by its guardian) or reached its outflow limit for the period. */
  RateLimited: 7,
} as const
export type RejectReasonName = keyof typeof RejectReason

const addressConversion: CustomConversion<Uint8Array, Address> = {
  to: (bytes) => getAddress(bytesToHex(bytes)),
  from: (address) => hexToBytes(address),
}
const hex32Conversion: CustomConversion<Uint8Array, Hex> = {
  to: (bytes) => bytesToHex(bytes),
  from: (hex) => hexToBytes(hex),
}

const addressItem = { binary: 'bytes', size: 20, custom: addressConversion } as const

/** A u8 flag that is exactly 0 or 1 on the wire; any other byte fails to decode (the vault reverts InvalidFlag). */
const flagConversion: CustomConversion<number, boolean> = {
  to: (byte) => {
    if (byte !== 0 && byte !== 1) throw new Error(`flag byte must be 0 or 1, got ${byte}`)
    return byte === 1
  },
  from: (flag) => (flag ? 1 : 0),
}

/**
 * Fields every command carries, right after the kind byte (82 bytes):
 * `commandId` (bytes32, unique per command, the idempotency key), `destChainId` (u64, the EVM chain id of the
 * destination vault), `vault` (address), `expiry` (u64, unix seconds; the vault refuses the command after it),
 * `account` (address the command is about).
 */
const headerLayout = [
  { name: 'commandId', binary: 'bytes', size: 32, custom: hex32Conversion },
  { name: 'destChainId', binary: 'uint', size: 8 },
  { name: 'vault', ...addressItem },
  { name: 'expiry', binary: 'uint', size: 8 },
  { name: 'account', ...addressItem },
] as const

/**
 * The command payload published by MarginHub and verified by MarginVault, big-endian:
 *
 * | bytes | field |
 * |---|---|
 * | 1 | version (= 1) |
 * | 1 | kind (see {@link CommandKind}) |
 * | 82 | header (see above) |
 * | … | body per kind |
 *
 * Bodies: ApproveWithdrawal `requestId u64, lockEpoch u32`; RejectWithdrawal `requestId u64, reason u8`;
 * Lock `lockEpoch u32`; Unlock `lockEpoch u32`; Seize `lockEpoch u32, asset address, amount u256 (token base
 * units), receiver address`; SetLimits `asset address, outflowLimit u256 (token base units per period),
 * periodSeconds u32, paused u8 (0 or 1), limitsSequence u64` (the header's `account` is unused, by convention the
 * zero address). SetLimits replaces the asset's limits on the destination vault: at most `outflowLimit` paid out
 * per aligned window of `periodSeconds` (0 = no rate limit), and while `paused` no new withdrawal request and no
 * payout of the asset. `limitsSequence` orders the SetLimits of one vault and asset (strictly increasing, from 1):
 * the vault applies one only if its sequence is greater than that of the limits in force, and consumes an older
 * one with the outcome `superseded`, so limits delivered out of order never replace newer ones. Checkpoint
 * `epoch u64, root bytes32, asOfBlock u64` (header `account` the zero address): the Merkle root of the destination
 * vault's exit entitlements (escape hatch, see `contracts/src/MarginVault.sol`), `epoch` strictly increasing per
 * vault from 1 (an older one is consumed as `superseded`), `asOfBlock` the destination chain's block up to which the
 * hub's view of the vault went into the tree. A vault executes
 * an approval only while the account is unlocked at exactly the approval's lock epoch, so a Lock voids every
 * approval decided before it.
 */
export const commandLayout = [
  { name: 'version', binary: 'uint', size: 1, custom: COMMAND_VERSION, omit: true },
  {
    name: 'command',
    binary: 'switch',
    idSize: 1,
    idTag: 'kind',
    layouts: [
      [
        [CommandKind.ApproveWithdrawal, 'ApproveWithdrawal'],
        [...headerLayout, { name: 'requestId', binary: 'uint', size: 8 }, { name: 'lockEpoch', binary: 'uint', size: 4 }],
      ],
      [
        [CommandKind.RejectWithdrawal, 'RejectWithdrawal'],
        [...headerLayout, { name: 'requestId', binary: 'uint', size: 8 }, { name: 'reason', binary: 'uint', size: 1 }],
      ],
      [[CommandKind.Lock, 'Lock'], [...headerLayout, { name: 'lockEpoch', binary: 'uint', size: 4 }]],
      [[CommandKind.Unlock, 'Unlock'], [...headerLayout, { name: 'lockEpoch', binary: 'uint', size: 4 }]],
      [
        [CommandKind.Seize, 'Seize'],
        [
          ...headerLayout,
          { name: 'lockEpoch', binary: 'uint', size: 4 },
          { name: 'asset', ...addressItem },
          { name: 'amount', binary: 'uint', size: 32 },
          { name: 'receiver', ...addressItem },
        ],
      ],
      [
        [CommandKind.SetLimits, 'SetLimits'],
        [
          ...headerLayout,
          { name: 'asset', ...addressItem },
          { name: 'outflowLimit', binary: 'uint', size: 32 },
          { name: 'periodSeconds', binary: 'uint', size: 4 },
          { name: 'paused', binary: 'uint', size: 1, custom: flagConversion },
          { name: 'limitsSequence', binary: 'uint', size: 8 },
        ],
      ],
      [
        [CommandKind.Checkpoint, 'Checkpoint'],
        [
          ...headerLayout,
          { name: 'epoch', binary: 'uint', size: 8 },
          { name: 'root', binary: 'bytes', size: 32, custom: hex32Conversion },
          { name: 'asOfBlock', binary: 'uint', size: 8 },
        ],
      ],
    ],
  },
] as const satisfies Layout

/** A decoded command: a union discriminated by `kind`. */
export type Command = LayoutToType<typeof commandLayout>['command']
/** The command of one kind, e.g. `CommandOf<'Seize'>`. */
export type CommandOf<K extends CommandKindName> = Extract<Command, { kind: K }>
