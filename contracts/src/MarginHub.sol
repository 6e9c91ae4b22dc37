// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {OAppCore} from "@layerzerolabs/lz-evm-oapp-v2/contracts/oapp/OAppCore.sol";
import {OAppSender, MessagingFee, MessagingReceipt} from "@layerzerolabs/lz-evm-oapp-v2/contracts/oapp/OAppSender.sol";
import {CommandCodec} from "./CommandCodec.sol";
import {IWormhole} from "./interfaces/IWormhole.sol";

/// @title MarginHub
/// @notice The sender of hub commands, over two transports. Authorised publishers (the relayers) hand it encoded
/// commands; it checks they decode and either publishes them through the Wormhole core (guardians sign them into
/// VAAs that the vaults verify with this contract as the expected emitter) or sends them as LayerZero v2 packets to
/// a vault registered as this OApp's peer on the destination endpoint.
///
/// A publisher alone cannot publish: every command needs EIP-712 signatures of at least `threshold` of the
/// registered co-signers, independent services that check the command against their own view of the chains. The
/// typed data is `Command(bytes32 commandId,uint8 kind,uint64 destChainId,address vault,address account,uint64
/// expiry,bytes32 payloadHash)` under the domain ("Unimargin MarginHub", "1", hub chain id, this contract), with
/// `payloadHash = keccak256(payload)` binding the body (amounts, receivers). The co-signer set, the threshold and the
/// publishers change only through a timelock of `coSignerDelaySeconds`: the owner proposes, anyone executes once the
/// delay has passed, so users see a change coming before it takes effect.
contract MarginHub is OAppSender, EIP712 {
    /// @notice EIP-712 type hash of a co-signed command
    bytes32 public constant COMMAND_TYPEHASH = keccak256(
        "Command(bytes32 commandId,uint8 kind,uint64 destChainId,address vault,address account,uint64 expiry,bytes32 payloadHash)"
    );

    IWormhole public immutable wormhole;
    uint8 public immutable consistencyLevel;
    /// @notice seconds between proposing and executing a co-signer set or publisher change
    uint64 public immutable coSignerDelaySeconds;

    mapping(address publisher => bool) public isPublisher;
    mapping(address signer => bool) public isCoSigner;
    address[] private _coSigners;
    /// @notice valid co-signatures a command needs, ≥ 1 and ≤ the number of co-signers
    uint8 public threshold;

    /// @notice a proposed co-signer set; `eta` (unix seconds) is 0 when none is pending
    struct CoSignerProposal {
        address[] signers;
        uint8 threshold;
        uint64 eta;
    }

    /// @notice a proposed publisher change; `eta` (unix seconds) is 0 when none is pending
    struct PublisherProposal {
        address publisher;
        bool allowed;
        uint64 eta;
    }

    CoSignerProposal private _coSignerProposal;
    PublisherProposal public pendingPublisher;

    event PublisherSet(address indexed publisher, bool allowed);
    event PublisherProposed(address indexed publisher, bool allowed, uint64 eta);
    event CoSignersProposed(address[] signers, uint8 threshold, uint64 eta);
    event CoSignersSet(address[] signers, uint8 threshold);
    /// @notice a command published through Wormhole; `sequence` with this emitter names its VAA
    event CommandPublished(bytes32 indexed commandId, uint64 sequence);
    /// @notice a command sent through LayerZero to endpoint `dstEid`; `nonce` is its position on that path
    event CommandSentLz(bytes32 indexed commandId, uint32 indexed dstEid, bytes32 guid, uint64 nonce, uint256 nativeFee);

    error NotPublisher(address caller);
    error InsufficientFee(uint256 paid, uint256 required);
    error RefundFailed();
    error LengthMismatch();
    /// @notice fewer than `threshold` co-signatures were given
    error InsufficientCoSignatures(uint256 given, uint256 required);
    /// @notice a signature recovers to an address that is not a registered co-signer
    error NotCoSigner(address signer);
    /// @notice signers must be strictly increasing by address (which also rejects duplicates)
    error CoSignersNotAscending(address signer, address previous);
    /// @notice a co-signer set that is empty, has a zero or repeated address, more than 255 members, or a
    /// threshold outside 1..n
    error InvalidCoSignerSet();
    /// @notice nothing is pending, or the delay has not passed (`eta` is when it has)
    error ProposalNotReady(uint64 eta);

    /// @param wormhole_ the Wormhole core bridge on the hub chain
    /// @param endpoint_ the LayerZero EndpointV2 on the hub chain
    /// @param owner_ proposes publisher and co-signer changes, sets LayerZero peers and configures this OApp on the
    /// endpoint
    /// @param consistencyLevel_ Wormhole finality the guardians wait for (1 = finalized on most EVM chains)
    /// @param publishers_ the initial publishers (they pay the fees; they cannot publish without co-signatures)
    /// @param coSigners_ the initial co-signers, distinct and non-zero
    /// @param threshold_ co-signatures each command needs, 1..coSigners_.length
    /// @param coSignerDelaySeconds_ timelock (seconds) on co-signer set and publisher changes
    /// @dev Reverts InvalidCoSignerSet.
    constructor(
        address wormhole_,
        address endpoint_,
        address owner_,
        uint8 consistencyLevel_,
        address[] memory publishers_,
        address[] memory coSigners_,
        uint8 threshold_,
        uint64 coSignerDelaySeconds_
    ) OAppCore(endpoint_, owner_) Ownable(owner_) EIP712("Unimargin MarginHub", "1") {
        wormhole = IWormhole(wormhole_);
        consistencyLevel = consistencyLevel_;
        coSignerDelaySeconds = coSignerDelaySeconds_;
        for (uint256 i = 0; i < publishers_.length; i++) {
            isPublisher[publishers_[i]] = true;
            emit PublisherSet(publishers_[i], true);
        }
        _setCoSigners(coSigners_, threshold_);
    }

    // ------------------------------------------------------------------ timelocked administration

    /// @notice Proposes allowing or revoking `publisher`; {executePublisher} applies it after `coSignerDelaySeconds`.
    /// A new proposal replaces a pending one.
    function proposePublisher(address publisher, bool allowed) external onlyOwner {
        uint64 eta = uint64(block.timestamp) + coSignerDelaySeconds;
        pendingPublisher = PublisherProposal(publisher, allowed, eta);
        emit PublisherProposed(publisher, allowed, eta);
    }

    /// @notice Applies the pending publisher proposal once its delay has passed. Anyone may call it.
    /// @dev Reverts ProposalNotReady.
    function executePublisher() external {
        PublisherProposal memory p = pendingPublisher;
        if (p.eta == 0 || block.timestamp < p.eta) revert ProposalNotReady(p.eta);
        delete pendingPublisher;
        isPublisher[p.publisher] = p.allowed;
        emit PublisherSet(p.publisher, p.allowed);
    }

    /// @notice Proposes a new co-signer set and threshold; {executeCoSigners} applies it after
    /// `coSignerDelaySeconds`. A new proposal replaces a pending one.
    /// @dev Reverts InvalidCoSignerSet.
    function proposeCoSigners(address[] calldata signers, uint8 threshold_) external onlyOwner {
        _validateCoSigners(signers, threshold_);
        uint64 eta = uint64(block.timestamp) + coSignerDelaySeconds;
        _coSignerProposal = CoSignerProposal(signers, threshold_, eta);
        emit CoSignersProposed(signers, threshold_, eta);
    }

    /// @notice Replaces the co-signer set and threshold with the pending proposal once its delay has passed.
    /// Anyone may call it.
    /// @dev Reverts ProposalNotReady.
    function executeCoSigners() external {
        CoSignerProposal memory p = _coSignerProposal;
        if (p.eta == 0 || block.timestamp < p.eta) revert ProposalNotReady(p.eta);
        delete _coSignerProposal;
        for (uint256 i = 0; i < _coSigners.length; i++) isCoSigner[_coSigners[i]] = false;
        _setCoSigners(p.signers, p.threshold);
    }

    /// @notice The registered co-signers, in registration order.
    function coSigners() external view returns (address[] memory) {
        return _coSigners;
    }

    /// @notice The pending co-signer proposal (`eta` 0 when none).
    function pendingCoSigners() external view returns (address[] memory signers, uint8 threshold_, uint64 eta) {
        return (_coSignerProposal.signers, _coSignerProposal.threshold, _coSignerProposal.eta);
    }

    /// @notice The EIP-712 digest co-signers sign for `payload`.
    /// @dev Reverts a CommandCodec error for a malformed payload.
    function commandDigest(bytes calldata payload) public view returns (bytes32) {
        return _commandDigest(CommandCodec.decode(payload), payload);
    }

    /// @notice Publishes one encoded command (nonce 0). `msg.value` must cover the Wormhole message fee; any
    /// excess is refunded.
    /// `signatures` are co-signers' 65-byte signatures of {commandDigest}, ordered by strictly increasing signer.
    /// @dev Reverts NotPublisher, a CommandCodec error for a malformed payload, a co-signature error
    /// (InsufficientCoSignatures, NotCoSigner, CoSignersNotAscending, ECDSA's), or InsufficientFee.
    /// @return sequence the Wormhole sequence of the message, which together with this emitter names the VAA
    function publish(bytes calldata payload, bytes[] calldata signatures) external payable returns (uint64 sequence) {
        if (!isPublisher[msg.sender]) revert NotPublisher(msg.sender);
        CommandCodec.Command memory c = CommandCodec.decode(payload);
        _checkCoSigned(c, payload, signatures);
        uint256 fee = wormhole.messageFee();
        if (msg.value < fee) revert InsufficientFee(msg.value, fee);
        sequence = wormhole.publishMessage{value: fee}(0, payload, consistencyLevel);
        emit CommandPublished(c.commandId, sequence);
        _refund(msg.value - fee);
    }

    /// @notice Publishes several encoded commands through the Wormhole core in one transaction, in order: one
    /// message (and one VAA) per command, as {publish} would. `msg.value` must cover the message fee once per
    /// payload; any excess is refunded. `signatures[i]` co-signs `payloads[i]` as in {publish}.
    /// @dev Reverts NotPublisher, LengthMismatch, a CommandCodec or co-signature error if any payload is malformed
    /// or under-signed (nothing is published), or InsufficientFee.
    /// @return sequences the Wormhole sequence of each message, in payload order
    function publishBatch(bytes[] calldata payloads, bytes[][] calldata signatures)
        external
        payable
        returns (uint64[] memory sequences)
    {
        if (!isPublisher[msg.sender]) revert NotPublisher(msg.sender);
        if (payloads.length != signatures.length) revert LengthMismatch();
        uint256 fee = wormhole.messageFee();
        uint256 total = fee * payloads.length;
        if (msg.value < total) revert InsufficientFee(msg.value, total);
        sequences = new uint64[](payloads.length);
        for (uint256 i = 0; i < payloads.length; i++) {
            CommandCodec.Command memory c = CommandCodec.decode(payloads[i]);
            _checkCoSigned(c, payloads[i], signatures[i]);
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
    /// must cover {quote}; the endpoint refunds any excess to the caller. `signatures` co-sign `payload` as in
    /// {publish}.
    /// @dev Reverts NotPublisher, a CommandCodec error for a malformed payload, a co-signature error,
    /// InsufficientFee, NoPeer, or the endpoint's and send library's errors.
    /// @return receipt the packet's GUID, its nonce on the path and the fee actually charged
    function publishLz(uint32 dstEid, bytes calldata payload, bytes calldata options, bytes[] calldata signatures)
        external
        payable
        returns (MessagingReceipt memory receipt)
    {
        if (!isPublisher[msg.sender]) revert NotPublisher(msg.sender);
        CommandCodec.Command memory c = CommandCodec.decode(payload);
        _checkCoSigned(c, payload, signatures);
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
    /// `signatures[i]` co-signs `payloads[i]` as in {publish}.
    /// @dev Reverts NotPublisher, LengthMismatch, a CommandCodec or co-signature error if any payload is malformed
    /// or under-signed (nothing is sent), InsufficientFee when `msg.value` runs out, NoPeer, or the endpoint's and
    /// send library's errors.
    /// @return receipts each packet's GUID, nonce on its path and fee, in payload order
    function publishLzBatch(
        uint32[] calldata dstEids,
        bytes[] calldata payloads,
        bytes[] calldata options,
        uint256[] calldata fees,
        bytes[][] calldata signatures
    ) external payable returns (MessagingReceipt[] memory receipts) {
        if (!isPublisher[msg.sender]) revert NotPublisher(msg.sender);
        if (
            dstEids.length != payloads.length || payloads.length != options.length || options.length != fees.length
                || fees.length != signatures.length
        ) {
            revert LengthMismatch();
        }
        receipts = new MessagingReceipt[](payloads.length);
        uint256 left = msg.value;
        for (uint256 i = 0; i < payloads.length; i++) {
            CommandCodec.Command memory c = CommandCodec.decode(payloads[i]);
            _checkCoSigned(c, payloads[i], signatures[i]);
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

    /// @dev The EIP-712 digest of decoded command `c` whose encoding is `payload`.
    function _commandDigest(CommandCodec.Command memory c, bytes calldata payload) private view returns (bytes32) {
        return _hashTypedDataV4(
            keccak256(
                abi.encode(
                    COMMAND_TYPEHASH, c.commandId, c.kind, c.destChainId, c.vault, c.account, c.expiry, keccak256(payload)
                )
            )
        );
    }

    /// @dev Requires at least `threshold` signatures of `payload`'s digest, each by a registered co-signer, signers
    /// strictly increasing. Reverts InsufficientCoSignatures, CoSignersNotAscending, NotCoSigner, or ECDSA's errors
    /// for a malformed signature.
    function _checkCoSigned(CommandCodec.Command memory c, bytes calldata payload, bytes[] calldata signatures)
        private
        view
    {
        if (signatures.length < threshold) revert InsufficientCoSignatures(signatures.length, threshold);
        bytes32 digest = _commandDigest(c, payload);
        address previous = address(0);
        for (uint256 i = 0; i < signatures.length; i++) {
            address signer = ECDSA.recover(digest, signatures[i]);
            if (signer <= previous) revert CoSignersNotAscending(signer, previous);
            if (!isCoSigner[signer]) revert NotCoSigner(signer);
            previous = signer;
        }
    }

    /// @dev Reverts InvalidCoSignerSet unless `signers` are 1..255 distinct non-zero addresses and
    /// 1 ≤ `threshold_` ≤ their number.
    function _validateCoSigners(address[] memory signers, uint8 threshold_) private pure {
        if (signers.length == 0 || signers.length > type(uint8).max) revert InvalidCoSignerSet();
        if (threshold_ == 0 || threshold_ > signers.length) revert InvalidCoSignerSet();
        for (uint256 i = 0; i < signers.length; i++) {
            if (signers[i] == address(0)) revert InvalidCoSignerSet();
            for (uint256 j = 0; j < i; j++) {
                if (signers[j] == signers[i]) revert InvalidCoSignerSet();
            }
        }
    }

    /// @dev Registers `signers` with `threshold_` (the previous set already cleared). Reverts InvalidCoSignerSet.
    function _setCoSigners(address[] memory signers, uint8 threshold_) private {
        _validateCoSigners(signers, threshold_);
        _coSigners = signers;
        for (uint256 i = 0; i < signers.length; i++) isCoSigner[signers[i]] = true;
        threshold = threshold_;
        emit CoSignersSet(signers, threshold_);
    }

    /// @dev Returns `amount` wei to the caller. Reverts RefundFailed.
    function _refund(uint256 amount) private {
        if (amount == 0) return;
        (bool ok,) = msg.sender.call{value: amount}("");
        if (!ok) revert RefundFailed();
    }
}
