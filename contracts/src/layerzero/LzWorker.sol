// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {ILayerZeroExecutor} from "@layerzerolabs/lz-evm-messagelib-v2/contracts/interfaces/ILayerZeroExecutor.sol";
import {ILayerZeroDVN} from "@layerzerolabs/lz-evm-messagelib-v2/contracts/uln/interfaces/ILayerZeroDVN.sol";
import {IReceiveUlnE2} from "@layerzerolabs/lz-evm-messagelib-v2/contracts/uln/interfaces/IReceiveUlnE2.sol";
import {
    ILayerZeroEndpointV2,
    Origin
} from "@layerzerolabs/lz-evm-protocol-v2/contracts/interfaces/ILayerZeroEndpointV2.sol";

interface IFeeWithdrawable {
    function withdrawFee(address to, uint256 amount) external;
}

/// @dev EndpointV2's executor alert, not part of ILayerZeroEndpointV2.
interface IEndpointAlert {
    function lzReceiveAlert(
        Origin calldata origin,
        address receiver,
        bytes32 guid,
        uint256 gas,
        uint256 value,
        bytes calldata message,
        bytes calldata extraData,
        bytes calldata reason
    ) external;
}

/// @title LzWorker
/// @notice The on-chain face of the Unimargin relayer towards LayerZero. On a source chain it is both the executor
/// and the single required DVN that SendUln302 quotes and assigns jobs to; it prices jobs (a flat fee per job, in
/// wei), fees accrue in the send library under this contract's address and the owner withdraws them. On a
/// destination chain it is the required DVN named in ReceiveUln302's config: its operators (the relayer's keys)
/// call {deliver}, which verifies many packets as the DVN, commits them to the endpoint and executes them with
/// `EndpointV2.lzReceive` in one transaction.
contract LzWorker is Ownable, ILayerZeroExecutor, ILayerZeroDVN {
    /// @notice One packet to verify and, optionally, execute. `header` and `payloadHash` as the send library
    /// emitted them (PacketSent); `origin`, `guid` and `message` as `EndpointV2.lzReceive` takes them; `gas` the
    /// lzReceive gas the sender's executor options asked for.
    struct Delivery {
        bytes header;
        bytes32 payloadHash;
        Origin origin;
        address receiver;
        bytes32 guid;
        bytes message;
        uint256 gas;
    }

    /// @notice may call {deliver}
    mapping(address operator => bool) public isOperator;

    event OperatorSet(address indexed operator, bool allowed);
    /// @notice verifying or committing packet `guid` reverted with `reason`; it was skipped
    event VerificationFailed(bytes32 indexed guid, bytes reason);
    /// @notice packet `guid`, the first of a {deliver} call to execute, and the call's later packets were verified but
    /// not executed: nonce `afterNonce` of their path was not executed yet
    event ExecutionHeld(bytes32 indexed guid, uint64 afterNonce);
    /// @notice {deliver} ran short of gas at packet `guid`: it had `gasLeft`, the packet needs `gasNeeded` (its
    /// lzReceive gas, as EIP-150 forwards it, and {PACKET_GAS_RESERVE}); it and the call's later packets were left
    /// untouched, for a later call
    event GasHeld(bytes32 indexed guid, uint256 gasLeft, uint256 gasNeeded);

    /// @notice Gas a packet needs in {deliver} besides its lzReceive gas, checked before each packet: the DVN
    /// verification and commit (≈ 50k measured on the devnet; more on a path's first packet), the call into the
    /// endpoint and the alert if lzReceive fails.
    uint256 public constant PACKET_GAS_RESERVE = 100_000;

    error NotOperator(address caller);
    /// @notice flat fee per executor job, wei
    uint256 public executorFee;
    /// @notice flat fee per DVN job, wei
    uint256 public dvnFee;

    event FeesSet(uint256 executorFee, uint256 dvnFee);

    constructor(address owner_, uint256 executorFee_, uint256 dvnFee_) Ownable(owner_) {
        executorFee = executorFee_;
        dvnFee = dvnFee_;
        emit FeesSet(executorFee_, dvnFee_);
    }

    /// @notice Sets the flat fees, wei per job.
    function setFees(uint256 executorFee_, uint256 dvnFee_) external onlyOwner {
        executorFee = executorFee_;
        dvnFee = dvnFee_;
        emit FeesSet(executorFee_, dvnFee_);
    }

    /// @notice Allows or revokes an operator.
    function setOperator(address operator, bool allowed) external onlyOwner {
        isOperator[operator] = allowed;
        emit OperatorSet(operator, allowed);
    }

    /// @notice Verifies each packet as this DVN with `confirmations` source blocks on top of it, commits it to
    /// `endpoint` (both skipped when the endpoint already holds its payload hash), then, when `execute`, calls
    /// `EndpointV2.lzReceive` for it with its gas. Packets are handled in order, so a batch sorted by nonce per path
    /// keeps nonce order. A packet whose verification fails is skipped (VerificationFailed) and the rest go on. Once
    /// a packet's lzReceive fails (reported with `EndpointV2.lzReceiveAlert`, the executor's alert; the packet stays
    /// verified and can be retried), the later packets of the batch are verified but not executed, so none executes
    /// before an earlier one: callers put one path per batch.
    /// Ordering across calls: when `afterNonce` is not 0, the first packet to execute first requires nonce
    /// `afterNonce` on its path to be executed on the endpoint (see {isExecuted}); if it is not, no packet of the call
    /// executes (all are still verified and committed) and ExecutionHeld names the first one. So a caller can send
    /// the next batch of a path, guarded by the last nonce of the batch before it, without waiting for that one to
    /// be mined: it executes only if the earlier batch executed to its end.
    /// Gas: before each packet the call checks that it has the packet's lzReceive gas (plus 1/63, EIP-150) and
    /// {PACKET_GAS_RESERVE} left; if not, it stops there (GasHeld) and leaves that packet and the later ones
    /// untouched. So a caller may set the transaction's gas limit to what the packets typically use plus one
    /// packet's full lzReceive gas, not the sum of every packet's.
    /// @dev Reverts NotOperator. Nothing here moves value.
    /// @param afterNonce a nonce on the packets' path that must be executed before any of them; 0 for none
    /// @return delivered whether each packet's lzReceive succeeded (always false when `execute` is false or the call
    /// was held)
    function deliver(
        address receiveLib,
        address endpoint,
        uint64 confirmations,
        Delivery[] calldata deliveries,
        bool execute,
        uint64 afterNonce
    ) external returns (bool[] memory delivered) {
        if (!isOperator[msg.sender]) revert NotOperator(msg.sender);
        delivered = new bool[](deliveries.length);
        bool halted = false;
        bool guarded = afterNonce != 0;
        for (uint256 i = 0; i < deliveries.length; i++) {
            Delivery calldata d = deliveries[i];
            // an executor gives lzReceive the gas the options asked for, or does not call it: with less left (a call
            // forwards at most 63/64 of it, EIP-150), stop here rather than run the packet short of gas
            if (_shortOfGas(d, execute && !halted)) break;
            bytes32 held = ILayerZeroEndpointV2(endpoint).inboundPayloadHash(
                d.receiver, d.origin.srcEid, d.origin.sender, d.origin.nonce
            );
            if (held != d.payloadHash) {
                try IReceiveUlnE2(receiveLib).verify(d.header, d.payloadHash, confirmations) {}
                catch (bytes memory reason) {
                    emit VerificationFailed(d.guid, reason);
                    continue;
                }
                try IReceiveUlnE2(receiveLib).commitVerification(d.header, d.payloadHash) {}
                catch (bytes memory reason) {
                    emit VerificationFailed(d.guid, reason);
                    continue;
                }
            }
            if (!execute || halted) continue;
            if (guarded) {
                guarded = false;
                if (!isExecuted(endpoint, d.receiver, d.origin.srcEid, d.origin.sender, afterNonce)) {
                    halted = true;
                    emit ExecutionHeld(d.guid, afterNonce);
                    continue;
                }
            }
            try ILayerZeroEndpointV2(endpoint).lzReceive{gas: d.gas}(d.origin, d.receiver, d.guid, d.message, "") {
                delivered[i] = true;
            } catch (bytes memory reason) {
                halted = true;
                IEndpointAlert(endpoint).lzReceiveAlert(d.origin, d.receiver, d.guid, d.gas, 0, d.message, "", reason);
            }
        }
    }

    /// @dev Whether fewer than packet `d`'s needs are left (its lzReceive gas with EIP-150's 1/63 when `executes`,
    /// and {PACKET_GAS_RESERVE}); emits GasHeld if so.
    function _shortOfGas(Delivery calldata d, bool executes) private returns (bool) {
        uint256 needed = PACKET_GAS_RESERVE + (executes ? d.gas + d.gas / 63 : 0);
        uint256 left = gasleft();
        if (left >= needed) return false;
        emit GasHeld(d.guid, left, needed);
        return true;
    }

    /// @notice Whether `endpoint` executed (or burned) nonce `nonce` of path `srcEid`/`sender` → `receiver`: every
    /// nonce up to it was verified (`lazyInboundNonce` reached it) and its payload hash is cleared.
    function isExecuted(address endpoint, address receiver, uint32 srcEid, bytes32 sender, uint64 nonce)
        public
        view
        returns (bool)
    {
        ILayerZeroEndpointV2 e = ILayerZeroEndpointV2(endpoint);
        return e.lazyInboundNonce(receiver, srcEid, sender) >= nonce
            && e.inboundPayloadHash(receiver, srcEid, sender, nonce) == bytes32(0);
    }

    /// @notice Withdraws fees this worker earned in send library `lib` to `to`, wei.
    function withdrawFee(address lib, address to, uint256 amount) external onlyOwner {
        IFeeWithdrawable(lib).withdrawFee(to, amount);
    }

    /// @inheritdoc ILayerZeroExecutor
    function assignJob(uint32, address, uint256, bytes calldata) external view returns (uint256) {
        return executorFee;
    }

    /// @inheritdoc ILayerZeroExecutor
    function getFee(uint32, address, uint256, bytes calldata) external view returns (uint256) {
        return executorFee;
    }

    /// @inheritdoc ILayerZeroDVN
    function assignJob(AssignJobParam calldata, bytes calldata) external payable returns (uint256) {
        return dvnFee;
    }

    /// @inheritdoc ILayerZeroDVN
    function getFee(uint32, uint64, address, bytes calldata) external view returns (uint256) {
        return dvnFee;
    }
}
