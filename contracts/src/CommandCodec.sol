// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @title CommandCodec
/// @notice Decodes the command payload MarginHub publishes, exactly as `packages/protocol/src/command/layout.ts`
/// defines it. Big-endian, exact length per kind, no trailing bytes:
///   version u8 (= 1) | kind u8 | commandId bytes32 | destChainId u64 | vault address | expiry u64 | account address
///   | body: ApproveWithdrawal requestId u64, lockEpoch u32
///           RejectWithdrawal  requestId u64, reason u8
///           Lock / Unlock     lockEpoch u32
///           Seize             lockEpoch u32, asset address, amount u256, receiver address
///           SetLimits         asset address, outflowLimit u256, periodSeconds u32, paused u8 (0 or 1),
///                             limitsSequence u64
///           Checkpoint        epoch u64, root bytes32, asOfBlock u64
/// SetLimits does not use the header's `account` (by convention the zero address). Its `limitsSequence` orders the
/// SetLimits of one vault and asset (strictly increasing, from 1); the vault ignores one that is not newer than the
/// limits in force.
/// Checkpoint (header `account` also the zero address) carries the Merkle root of the vault's exit entitlements
/// (see MarginVault's escape hatch); `epoch` is strictly increasing per vault (from 1) and `asOfBlock` is the block
/// of the destination chain up to which the hub's view of the vault went into the tree.
library CommandCodec {
    uint8 internal constant VERSION = 1;

    uint8 internal constant KIND_APPROVE_WITHDRAWAL = 1;
    uint8 internal constant KIND_REJECT_WITHDRAWAL = 2;
    uint8 internal constant KIND_LOCK = 3;
    uint8 internal constant KIND_UNLOCK = 4;
    uint8 internal constant KIND_SEIZE = 5;
    uint8 internal constant KIND_SET_LIMITS = 6;
    uint8 internal constant KIND_CHECKPOINT = 7;

    /// @dev version + kind + header (32 + 8 + 20 + 8 + 20): where the body starts
    uint256 private constant BODY_OFFSET = 90;

    /// @notice A decoded command. Body fields a kind does not carry are zero. `asset` is Seize's or SetLimits';
    /// `outflowLimit` (token base units per period), `periodSeconds`, `paused` and `limitsSequence` are SetLimits';
    /// `checkpointEpoch`, `root` and `asOfBlock` are Checkpoint's.
    struct Command {
        uint8 kind;
        bytes32 commandId;
        uint64 destChainId;
        address vault;
        uint64 expiry;
        address account;
        uint64 requestId;
        uint32 lockEpoch;
        uint8 reason;
        address asset;
        uint256 amount;
        address receiver;
        uint256 outflowLimit;
        uint32 periodSeconds;
        bool paused;
        uint64 limitsSequence;
        uint64 checkpointEpoch;
        bytes32 root;
        uint64 asOfBlock;
    }

    error PayloadTooShort(uint256 length);
    error UnsupportedVersion(uint8 version);
    error UnknownKind(uint8 kind);
    error WrongPayloadLength(uint8 kind, uint256 length, uint256 expected);
    error InvalidFlag(uint8 value);

    /// @notice Decodes `payload`.
    /// @dev Reverts PayloadTooShort (< 2 bytes), UnsupportedVersion, UnknownKind, WrongPayloadLength, or InvalidFlag
    /// (a SetLimits `paused` byte other than 0 or 1).
    function decode(bytes memory payload) internal pure returns (Command memory c) {
        if (payload.length < 2) revert PayloadTooShort(payload.length);
        uint8 version = uint8(_read(payload, 0, 1));
        if (version != VERSION) revert UnsupportedVersion(version);
        c.kind = uint8(_read(payload, 1, 1));
        uint256 expected = expectedLength(c.kind);
        if (payload.length != expected) revert WrongPayloadLength(c.kind, payload.length, expected);

        c.commandId = bytes32(_read(payload, 2, 32));
        c.destChainId = uint64(_read(payload, 34, 8));
        c.vault = address(uint160(_read(payload, 42, 20)));
        c.expiry = uint64(_read(payload, 62, 8));
        c.account = address(uint160(_read(payload, 70, 20)));

        if (c.kind == KIND_APPROVE_WITHDRAWAL) {
            c.requestId = uint64(_read(payload, BODY_OFFSET, 8));
            c.lockEpoch = uint32(_read(payload, BODY_OFFSET + 8, 4));
        } else if (c.kind == KIND_REJECT_WITHDRAWAL) {
            c.requestId = uint64(_read(payload, BODY_OFFSET, 8));
            c.reason = uint8(_read(payload, BODY_OFFSET + 8, 1));
        } else if (c.kind == KIND_SET_LIMITS) {
            c.asset = address(uint160(_read(payload, BODY_OFFSET, 20)));
            c.outflowLimit = _read(payload, BODY_OFFSET + 20, 32);
            c.periodSeconds = uint32(_read(payload, BODY_OFFSET + 52, 4));
            uint8 paused = uint8(_read(payload, BODY_OFFSET + 56, 1));
            if (paused > 1) revert InvalidFlag(paused);
            c.paused = paused == 1;
            c.limitsSequence = uint64(_read(payload, BODY_OFFSET + 57, 8));
        } else if (c.kind == KIND_CHECKPOINT) {
            c.checkpointEpoch = uint64(_read(payload, BODY_OFFSET, 8));
            c.root = bytes32(_read(payload, BODY_OFFSET + 8, 32));
            c.asOfBlock = uint64(_read(payload, BODY_OFFSET + 40, 8));
        } else {
            c.lockEpoch = uint32(_read(payload, BODY_OFFSET, 4));
            if (c.kind == KIND_SEIZE) {
                c.asset = address(uint160(_read(payload, BODY_OFFSET + 4, 20)));
                c.amount = _read(payload, BODY_OFFSET + 24, 32);
                c.receiver = address(uint160(_read(payload, BODY_OFFSET + 56, 20)));
            }
        }
    }

    /// @notice The exact payload length in bytes of a command of `kind`. Reverts UnknownKind.
    function expectedLength(uint8 kind) internal pure returns (uint256) {
        if (kind == KIND_APPROVE_WITHDRAWAL) return 102;
        if (kind == KIND_REJECT_WITHDRAWAL) return 99;
        if (kind == KIND_LOCK || kind == KIND_UNLOCK) return 94;
        if (kind == KIND_SEIZE) return 166;
        if (kind == KIND_SET_LIMITS) return 155;
        if (kind == KIND_CHECKPOINT) return 138;
        revert UnknownKind(kind);
    }

    /// @dev Reads `size` (1..32) big-endian bytes at `offset`. The caller has checked the length.
    function _read(bytes memory b, uint256 offset, uint256 size) private pure returns (uint256 v) {
        assembly ("memory-safe") {
            v := shr(sub(256, mul(size, 8)), mload(add(add(b, 32), offset)))
        }
    }
}
