// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {OAppCore} from "@layerzerolabs/lz-evm-oapp-v2/contracts/oapp/OAppCore.sol";
import {OAppSender, MessagingFee, MessagingReceipt} from "@layerzerolabs/lz-evm-oapp-v2/contracts/oapp/OAppSender.sol";
import {CommandCodec} from "./CommandCodec.sol";
import {IWormhole} from "./interfaces/IWormhole.sol";

/// @title MarginHub
/// @notice The sender of hub commands, over two transports. Authorised publishers (the relayers) hand it encoded
/// commands; it checks they decode and either publishes them through the Wormhole core (guardians sign them into
/// VAAs that the vaults verify with this contract as the expected emitter) or sends them as LayerZero v2 packets to
/// a vault registered as this OApp's peer on the destination endpoint.
contract MarginHub is OAppSender {
    IWormhole public immutable wormhole;
    uint8 public immutable consistencyLevel;

    mapping(address publisher => bool) public isPublisher;

    event PublisherSet(address indexed publisher, bool allowed);
    /// @notice a command published through Wormhole; `sequence` with this emitter names its VAA
    event CommandPublished(bytes32 indexed commandId, uint64 sequence);
    /// @notice a command sent through LayerZero to endpoint `dstEid`; `nonce` is its position on that path
    event CommandSentLz(bytes32 indexed commandId, uint32 indexed dstEid, bytes32 guid, uint64 nonce, uint256 nativeFee);

    error NotPublisher(address caller);
    error InsufficientFee(uint256 paid, uint256 required);
    error RefundFailed();
    error LengthMismatch();

    /// @param wormhole_ the Wormhole core bridge on the hub chain
    /// @param endpoint_ the LayerZero EndpointV2 on the hub chain
    /// @param owner_ may add and remove publishers, set LayerZero peers and configure this OApp on the endpoint
    /// @param consistencyLevel_ Wormhole finality the guardians wait for (1 = finalized on most EVM chains)
    constructor(address wormhole_, address endpoint_, address owner_, uint8 consistencyLevel_)
        OAppCore(endpoint_, owner_)
        Ownable(owner_)
    {
        wormhole = IWormhole(wormhole_);
        consistencyLevel = consistencyLevel_;
    }

    /// @notice Allows or revokes a publisher.
    function setPublisher(address publisher, bool allowed) external onlyOwner {
        isPublisher[publisher] = allowed;
        emit PublisherSet(publisher, allowed);
    }

    /// @notice Publishes one encoded command (nonce 0). `msg.value` must cover the Wormhole message fee; any
    /// excess is refunded.
    /// @dev Reverts NotPublisher, a CommandCodec error for a malformed payload, or InsufficientFee.
    /// @return sequence the Wormhole sequence of the message, which together with this emitter names the VAA
    function publish(bytes calldata payload) external payable returns (uint64 sequence) {
        if (!isPublisher[msg.sender]) revert NotPublisher(msg.sender);
        CommandCodec.Command memory c = CommandCodec.decode(payload);
        uint256 fee = wormhole.messageFee();
        if (msg.value < fee) revert InsufficientFee(msg.value, fee);
        sequence = wormhole.publishMessage{value: fee}(0, payload, consistencyLevel);
        emit CommandPublished(c.commandId, sequence);
        _refund(msg.value - fee);
    }

    /// @notice Publishes several encoded commands through the Wormhole core in one transaction, in order: one
    /// message (and one VAA) per command, as {publish} would. `msg.value` must cover the message fee once per
    /// payload; any excess is refunded.
    /// @dev Reverts NotPublisher, a CommandCodec error if any payload is malformed (nothing is published), or
    /// InsufficientFee.
    /// @return sequences the Wormhole sequence of each message, in payload order
    function publishBatch(bytes[] calldata payloads) external payable returns (uint64[] memory sequences) {
        if (!isPublisher[msg.sender]) revert NotPublisher(msg.sender);
        uint256 fee = wormhole.messageFee();
        uint256 total = fee * payloads.length;
        if (msg.value < total) revert InsufficientFee(msg.value, total);
        sequences = new uint64[](payloads.length);
        for (uint256 i = 0; i < payloads.length; i++) {
            CommandCodec.Command memory c = CommandCodec.decode(payloads[i]);
            sequences[i] = wormhole.publishMessage{value: fee}(0, payloads[i], consistencyLevel);
            emit CommandPublished(c.commandId, sequences[i]);
        }
        _refund(msg.value - total);
    }

    /// @notice The native fee (wei) LayerZero charges now to send `payload` to `dstEid` with executor `options`.
    /// @dev Reverts NoPeer when `dstEid` has no vault peer, or the send library's errors for bad options.
    function quote(uint32 dstEid, bytes calldata payload, bytes calldata options) external view returns (uint256 nativeFee) {
        return _quote(dstEid, payload, options, false).nativeFee;
    }

    /// @notice Sends one encoded command as a LayerZero packet to the vault peer on endpoint `dstEid`. `msg.value`
    /// must cover {quote}; the endpoint refunds any excess to the caller.
    /// @dev Reverts NotPublisher, a CommandCodec error for a malformed payload, InsufficientFee, NoPeer, or the
    /// endpoint's and send library's errors.
    /// @return receipt the packet's GUID, its nonce on the path and the fee actually charged
    function publishLz(uint32 dstEid, bytes calldata payload, bytes calldata options)
        external
        payable
        returns (MessagingReceipt memory receipt)
    {
        if (!isPublisher[msg.sender]) revert NotPublisher(msg.sender);
        CommandCodec.Command memory c = CommandCodec.decode(payload);
        uint256 fee = _quote(dstEid, payload, options, false).nativeFee;
        if (msg.value < fee) revert InsufficientFee(msg.value, fee);
        receipt = _lzSend(dstEid, payload, options, MessagingFee(msg.value, 0), msg.sender);
        emit CommandSentLz(c.commandId, dstEid, receipt.guid, receipt.nonce, receipt.fee.nativeFee);
    }

    /// @notice The native fee (wei) of sending item i of the three arrays as {publishLz} would, for each i: the
    /// `fees` argument of {publishLzBatch}.
    /// @dev Reverts LengthMismatch, or as {quote} for any item.
    function quoteBatch(uint32[] calldata dstEids, bytes[] calldata payloads, bytes[] calldata options)
        external
        view
        returns (uint256[] memory fees)
    {
        if (dstEids.length != payloads.length || payloads.length != options.length) revert LengthMismatch();
        fees = new uint256[](payloads.length);
        for (uint256 i = 0; i < payloads.length; i++) {
            fees[i] = _quote(dstEids[i], payloads[i], options[i], false).nativeFee;
        }
    }

    /// @notice Sends several encoded commands as LayerZero packets in one transaction, in order: item i goes to
    /// the vault peer on `dstEids[i]` with executor `options[i]`, offering `fees[i]` wei as its native fee. Fees are
    /// quoted off-chain ({quoteBatch}) right before sending, as LayerZero's OApps do; not quoting again here saves
    /// a send library round trip per packet (≈ 17k gas). The endpoint charges each send its fee at execution time:
    /// it reverts `LZ_InsufficientFee` if `fees[i]` no longer covers it (the batch sends nothing; quote again) and
    /// refunds any excess to the caller. `msg.value` must cover the sum of `fees`; the rest is refunded.
    /// @dev Reverts NotPublisher, LengthMismatch, a CommandCodec error if any payload is malformed (nothing is
    /// sent), InsufficientFee when `msg.value` runs out, NoPeer, or the endpoint's and send library's errors.
    /// @return receipts each packet's GUID, nonce on its path and fee, in payload order
    function publishLzBatch(
        uint32[] calldata dstEids,
        bytes[] calldata payloads,
        bytes[] calldata options,
        uint256[] calldata fees
    ) external payable returns (MessagingReceipt[] memory receipts) {
        if (!isPublisher[msg.sender]) revert NotPublisher(msg.sender);
        if (dstEids.length != payloads.length || payloads.length != options.length || options.length != fees.length) {
            revert LengthMismatch();
        }
        receipts = new MessagingReceipt[](payloads.length);
        uint256 left = msg.value;
        for (uint256 i = 0; i < payloads.length; i++) {
            CommandCodec.Command memory c = CommandCodec.decode(payloads[i]);
            if (left < fees[i]) revert InsufficientFee(left, fees[i]);
            left -= fees[i];
            receipts[i] = _lzSend(dstEids[i], payloads[i], options[i], MessagingFee(fees[i], 0), msg.sender);
            emit CommandSentLz(c.commandId, dstEids[i], receipts[i].guid, receipts[i].nonce, receipts[i].fee.nativeFee);
        }
        _refund(left);
    }

    /// @dev Pays each send's fee out of this call's value. OAppSender's default demands `msg.value == fee`, which
    /// holds for one send per transaction only; {publishLz} and {publishLzBatch} never pass more than they received.
    function _payNative(uint256 nativeFee) internal view override returns (uint256) {
        if (nativeFee > address(this).balance) revert NotEnoughNative(address(this).balance);
        return nativeFee;
    }

    /// @dev Returns `amount` wei to the caller. Reverts RefundFailed.
    function _refund(uint256 amount) private {
        if (amount == 0) return;
        (bool ok,) = msg.sender.call{value: amount}("");
        if (!ok) revert RefundFailed();
    }
}
