// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

/// @notice The part of the Wormhole core bridge that Unimargin calls. Structs match the core's `Structs.sol`.
interface IWormhole {
    struct Signature {
        bytes32 r;
        bytes32 s;
        uint8 v;
        uint8 guardianIndex;
    }

    struct VM {
        uint8 version;
        uint32 timestamp;
        uint32 nonce;
        uint16 emitterChainId;
        bytes32 emitterAddress;
        uint64 sequence;
        uint8 consistencyLevel;
        bytes payload;
        uint32 guardianSetIndex;
        Signature[] signatures;
        /// @dev keccak256(keccak256(body)): the digest the guardians signed
        bytes32 hash;
    }

    /// @notice Parses a signed VAA and checks its signatures against the guardian set it names.
    /// @return vm the parsed VAA, valid whether the signatures reach quorum, reason why not (empty when valid)
    function parseAndVerifyVM(bytes calldata encodedVM)
        external
        view
        returns (VM memory vm, bool valid, string memory reason);

    /// @notice Publishes `payload` as a message from `msg.sender`; the guardians observe and sign it.
    /// @return sequence the emitter's sequence number of this message
    function publishMessage(uint32 nonce, bytes memory payload, uint8 consistencyLevel)
        external
        payable
        returns (uint64 sequence);

    /// @notice The fee in wei `publishMessage` requires.
    function messageFee() external view returns (uint256);

    /// @notice The Wormhole chain id of this chain.
    function chainId() external view returns (uint16);
}
