// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @notice An ERC-20 anyone can mint, for the devnet and tests. Anyone can also block its transfers for a while,
/// to make a payout revert on purpose (a transient failure the relayer must retry through).
contract MockERC20 is ERC20 {
    uint8 private immutable _decimals;

    /// @notice while true, every transfer (not mint) reverts TransfersBlocked
    bool public transfersBlocked;

    error TransfersBlocked();

    constructor(string memory name_, string memory symbol_, uint8 decimals_) ERC20(name_, symbol_) {
        _decimals = decimals_;
    }

    function decimals() public view override returns (uint8) {
        return _decimals;
    }

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function setTransfersBlocked(bool blocked) external {
        transfersBlocked = blocked;
    }

    function _update(address from, address to, uint256 value) internal override {
        if (transfersBlocked && from != address(0)) revert TransfersBlocked();
        super._update(from, to, value);
    }
}
