// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

interface IDepositVault {
    function deposit(address asset, uint256 amount, address account) external;
}

/// @notice Makes many real vault deposits in one transaction, for load on the devnet: each call of {depositMany}
/// pulls nothing from its caller; it deposits tokens the batcher already holds (mint them to it first), so every
/// deposit is a genuine `MarginVault.deposit` emitting `Deposited` with this contract as depositor.
contract DepositBatcher {
    /// @notice Approves `vault` to pull `asset` from this contract without limit.
    function approve(address asset, address vault) external {
        IERC20(asset).approve(vault, type(uint256).max);
    }

    /// @notice Deposits `amount` of `asset` into `vault` `count` times, crediting `accounts[i % accounts.length]`.
    function depositMany(address vault, address asset, uint256 amount, address[] calldata accounts, uint256 count) external {
        uint256 n = accounts.length;
        for (uint256 i = 0; i < count; ++i) {
            IDepositVault(vault).deposit(asset, amount, accounts[i % n]);
        }
    }
}
