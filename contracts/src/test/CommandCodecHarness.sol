// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {CommandCodec} from "../CommandCodec.sol";

/// @notice Exposes CommandCodec.decode so tests can compare it with the TypeScript codec.
contract CommandCodecHarness {
    function decode(bytes calldata payload) external pure returns (CommandCodec.Command memory) {
        return CommandCodec.decode(payload);
    }
}
