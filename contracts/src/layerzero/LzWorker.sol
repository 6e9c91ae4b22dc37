// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {ILayerZeroExecutor} from "@layerzerolabs/lz-evm-messagelib-v2/contracts/interfaces/ILayerZeroExecutor.sol";
import {ILayerZeroDVN} from "@layerzerolabs/lz-evm-messagelib-v2/contracts/uln/interfaces/ILayerZeroDVN.sol";

interface IFeeWithdrawable {
    function withdrawFee(address to, uint256 amount) external;
}

/// @title LzWorker
/// @notice The on-chain face of the Unimargin relayer towards LayerZero's SendUln302 on a source chain: it is both
/// the executor and the single required DVN that the send library quotes and assigns jobs to. It only prices jobs
/// (a flat fee per job, in wei); the relayer itself verifies packets on the destination (as the DVN) and calls
/// `EndpointV2.lzReceive` (as the executor). Fees accrue in the send library under this contract's address and the
/// owner withdraws them.
contract LzWorker is Ownable, ILayerZeroExecutor, ILayerZeroDVN {
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
