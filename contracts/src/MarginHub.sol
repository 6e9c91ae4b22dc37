// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {CommandCodec} from "./CommandCodec.sol";
import {IWormhole} from "./interfaces/IWormhole.sol";

/// @title MarginHub
/// @notice The Wormhole emitter of hub commands. Authorised publishers (the relayers) hand it encoded commands;
/// it checks they decode and publishes them through the Wormhole core, whose guardians sign them into VAAs that
/// the vaults verify with this contract as the expected emitter.
contract MarginHub is Ownable {
    IWormhole public immutable wormhole;
    uint8 public immutable consistencyLevel;

    mapping(address publisher => bool) public isPublisher;

    event PublisherSet(address indexed publisher, bool allowed);
    event CommandPublished(bytes32 indexed commandId, uint64 sequence);

    error NotPublisher(address caller);
    error InsufficientFee(uint256 paid, uint256 required);
    error RefundFailed();

    /// @param wormhole_ the Wormhole core bridge on the hub chain
    /// @param owner_ may add and remove publishers
    /// @param consistencyLevel_ Wormhole finality the guardians wait for (1 = finalized on most EVM chains)
    constructor(address wormhole_, address owner_, uint8 consistencyLevel_) Ownable(owner_) {
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
        if (msg.value > fee) {
            (bool ok,) = msg.sender.call{value: msg.value - fee}("");
            if (!ok) revert RefundFailed();
        }
    }
}
