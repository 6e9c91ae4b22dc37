// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";
import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";

/// @title VaultRegistry
/// @notice The hub chain's list of the protocol's MarginVaults beyond those in the nodes' configuration. The admin
/// (the owner) registers a vault, one per EVM chain, with everything the hub needs to margin it: the chain, the
/// vault's address and deployment block, the block confirmations its events need, the transport of the route hub →
/// vault, and the accepted collateral (ERC-20, Chainlink-compatible USD feed, haircuts). Hub nodes ingest this
/// contract's events like a vault's (same finality and reorg rules) and start watching a registered vault without
/// a restart, from its deployment block.
/// @dev Registration is by a transaction of the admin ({register}) or by an EIP-712 `RegisterVault` request the
/// admin signed, which anyone may relay ({registerWithSignature}); the admin may be a contract (ERC-1271,
/// e.g. a multisig). A vault's status only moves forward, one step at a time ({advanceStatus}):
/// Active → DepositsClosed → WithdrawalsOnly → Retired. The registry states the protocol's intent; the vault
/// enforces what matters for funds on its own chain (MarginVault's lifecycle: deposits refused once closed,
/// withdrawals and the escape hatch open until it is retired, and retired only when it owes its accounts nothing).
/// The admin can add collateral the hub will credit (a feed it names prices it): it is trusted like the author of
/// the nodes' configuration, and should be a timelock or a multisig in production.
contract VaultRegistry is Ownable, EIP712, Nonces {
    /// @notice Where a registered vault is in its life. Only moves forward.
    enum Status {
        /// deposits credited, withdrawals decided, the vault's collateral counts
        Active,
        /// the vault takes no new deposits; its collateral still counts and commands still flow
        DepositsClosed,
        /// winding down: no deposits; withdrawals, locks and seizures go on until the vault is empty
        WithdrawalsOnly,
        /// final: the hub sends no more commands to the vault
        Retired
    }

    /// @notice Transport of the route hub → vault.
    enum Transport {
        Wormhole,
        LayerZero
    }

    /// @notice One accepted collateral asset of a vault.
    struct Asset {
        /// the ERC-20 on the vault's chain
        address token;
        /// its AggregatorV3Interface-compatible USD feed on the same chain
        address feed;
        /// canonical symbol shared across chains (e.g. "ETH" for WETH), the feed's underlying
        string symbol;
        /// the token's decimals
        uint8 decimals;
        /// the feed answer's decimals
        uint8 feedDecimals;
        /// collateral haircut, bps of market value (linear, tiered and isolated modes; portfolio mode for collateral
        /// that is not risk-cancelling)
        uint16 haircutBps;
        /// portfolio mode, risk-cancelling collateral: haircut in equity (maintenance side), bps; ≤ imHaircutBps
        uint16 mmHaircutBps;
        /// portfolio mode, risk-cancelling collateral: haircut against initial margin, bps
        uint16 imHaircutBps;
        /// bridged or wrapped asset: loss of its route-break scenario, bps; 0 = canonical
        uint16 routeBreakLossBps;
    }

    /// @notice A registered vault.
    struct Vault {
        /// the MarginVault
        address vault;
        /// block of the vault's deployment, where watchers start
        uint64 deploymentBlock;
        /// blocks an event of the vault must be buried under before the hub counts it
        uint16 confirmations;
        Transport transport;
        Status status;
        Asset[] assets;
    }

    /// @notice EIP-712 type hash of one asset of a registration request
    bytes32 public constant ASSET_TYPEHASH = keccak256(
        "Asset(address token,address feed,string symbol,uint8 decimals,uint8 feedDecimals,uint16 haircutBps,uint16 mmHaircutBps,uint16 imHaircutBps,uint16 routeBreakLossBps)"
    );
    /// @notice EIP-712 type hash of a registration request signed by the admin
    bytes32 public constant REGISTER_TYPEHASH = keccak256(
        "RegisterVault(uint64 chainId,address vault,uint64 deploymentBlock,uint16 confirmations,uint8 transport,Asset[] assets,uint256 nonce,uint256 deadline)Asset(address token,address feed,string symbol,uint8 decimals,uint8 feedDecimals,uint16 haircutBps,uint16 mmHaircutBps,uint16 imHaircutBps,uint16 routeBreakLossBps)"
    );

    /// @notice most assets one vault may list (bounds the registration's gas)
    uint256 public constant MAX_ASSETS = 32;

    mapping(uint64 chainId => Vault) private _vaults;
    uint64[] private _chainIds;

    /// @notice a vault was registered on EVM chain `chainId`; its status is Active
    /// @param registrar who sent the registration (the admin, or the relayer of the admin's signed request)
    event VaultRegistered(
        uint64 indexed chainId,
        address indexed vault,
        uint64 deploymentBlock,
        uint16 confirmations,
        uint8 transport,
        Asset[] assets,
        address registrar
    );
    /// @notice the vault of `chainId` moved from status `from` to the next status `to`
    event VaultStatusChanged(uint64 indexed chainId, address indexed vault, uint8 from, uint8 to);

    /// @notice `chainId` already has a registered vault (one vault per chain, for the vault's whole life)
    error ChainAlreadyRegistered(uint64 chainId, address vault);
    /// @notice no vault is registered on `chainId`
    error ChainNotRegistered(uint64 chainId);
    /// @notice the vault of `chainId` is retired: its status cannot move any more
    error AlreadyRetired(uint64 chainId);
    /// @notice a registration field is invalid; `field` names it (e.g. "assets[1].feed")
    error InvalidRegistration(string field);
    /// @notice the signed request's deadline (unix s) has passed
    error RequestExpired(uint256 deadline);
    /// @notice the signature is not the admin's over this request and nonce
    error InvalidSignature();

    /// @param admin_ the registry's admin (owner): registers vaults and moves their status
    constructor(address admin_) Ownable(admin_) EIP712("Unimargin VaultRegistry", "1") {}

    /// @notice Registers the vault of `chainId` as Active. Admin only.
    /// @dev Reverts OwnableUnauthorizedAccount, ChainAlreadyRegistered, or InvalidRegistration naming the field
    /// (zero chain id or address, no assets or more than {MAX_ASSETS}, a token listed twice, an empty symbol,
    /// a haircut above 10 000 bps, mmHaircutBps above imHaircutBps).
    function register(
        uint64 chainId,
        address vault,
        uint64 deploymentBlock,
        uint16 confirmations,
        Transport transport,
        Asset[] calldata assets
    ) external onlyOwner {
        _register(chainId, vault, deploymentBlock, confirmations, transport, assets);
    }

    /// @notice Registers a vault from a `RegisterVault` request the admin signed (EIP-712, domain "Unimargin
    /// VaultRegistry" v1); anyone may send it. The request carries the admin's current {nonces} value, so it runs once.
    /// @dev Reverts RequestExpired once `deadline` (unix s) has passed, InvalidSignature when the admin (an EOA, or
    /// an ERC-1271 contract) did not sign exactly these fields and nonce, then as {register}.
    function registerWithSignature(
        uint64 chainId,
        address vault,
        uint64 deploymentBlock,
        uint16 confirmations,
        Transport transport,
        Asset[] calldata assets,
        uint256 deadline,
        bytes calldata signature
    ) external {
        if (block.timestamp > deadline) revert RequestExpired(deadline);
        address admin = owner();
        bytes32 digest =
            registrationDigest(chainId, vault, deploymentBlock, confirmations, transport, assets, nonces(admin), deadline);
        if (!SignatureChecker.isValidSignatureNow(admin, digest, signature)) revert InvalidSignature();
        _useNonce(admin);
        _register(chainId, vault, deploymentBlock, confirmations, transport, assets);
    }

    /// @notice Moves the vault of `chainId` to its next status (Active → DepositsClosed → WithdrawalsOnly →
    /// Retired). Admin only. Emits VaultStatusChanged.
    /// @dev Reverts OwnableUnauthorizedAccount, ChainNotRegistered or AlreadyRetired.
    function advanceStatus(uint64 chainId) external onlyOwner {
        Vault storage v = _vaults[chainId];
        if (v.vault == address(0)) revert ChainNotRegistered(chainId);
        if (v.status == Status.Retired) revert AlreadyRetired(chainId);
        Status from = v.status;
        v.status = Status(uint8(from) + 1);
        emit VaultStatusChanged(chainId, v.vault, uint8(from), uint8(v.status));
    }

    /// @notice The vault registered on `chainId` (all zero when none).
    function vaultOf(uint64 chainId) external view returns (Vault memory) {
        return _vaults[chainId];
    }

    /// @notice The EVM chain ids with a registered vault, in registration order.
    function chainIds() external view returns (uint64[] memory) {
        return _chainIds;
    }

    /// @notice The EIP-712 digest the admin signs for {registerWithSignature}.
    function registrationDigest(
        uint64 chainId,
        address vault,
        uint64 deploymentBlock,
        uint16 confirmations,
        Transport transport,
        Asset[] calldata assets,
        uint256 nonce,
        uint256 deadline
    ) public view returns (bytes32) {
        bytes32[] memory hashes = new bytes32[](assets.length);
        for (uint256 i = 0; i < assets.length; i++) {
            Asset calldata a = assets[i];
            hashes[i] = keccak256(
                abi.encode(
                    ASSET_TYPEHASH,
                    a.token,
                    a.feed,
                    keccak256(bytes(a.symbol)),
                    a.decimals,
                    a.feedDecimals,
                    a.haircutBps,
                    a.mmHaircutBps,
                    a.imHaircutBps,
                    a.routeBreakLossBps
                )
            );
        }
        return _hashTypedDataV4(
            keccak256(
                abi.encode(
                    REGISTER_TYPEHASH,
                    chainId,
                    vault,
                    deploymentBlock,
                    confirmations,
                    uint8(transport),
                    keccak256(abi.encodePacked(hashes)),
                    nonce,
                    deadline
                )
            )
        );
    }

    function _register(
        uint64 chainId,
        address vault,
        uint64 deploymentBlock,
        uint16 confirmations,
        Transport transport,
        Asset[] calldata assets
    ) private {
        if (chainId == 0) revert InvalidRegistration("chainId");
        if (vault == address(0)) revert InvalidRegistration("vault");
        if (assets.length == 0 || assets.length > MAX_ASSETS) revert InvalidRegistration("assets");
        Vault storage v = _vaults[chainId];
        if (v.vault != address(0)) revert ChainAlreadyRegistered(chainId, v.vault);
        v.vault = vault;
        v.deploymentBlock = deploymentBlock;
        v.confirmations = confirmations;
        v.transport = transport;
        for (uint256 i = 0; i < assets.length; i++) {
            _checkAsset(assets, i);
            v.assets.push(assets[i]);
        }
        _chainIds.push(chainId);
        emit VaultRegistered(chainId, vault, deploymentBlock, confirmations, uint8(transport), assets, msg.sender);
    }

    /// @dev Reverts InvalidRegistration naming the first invalid field of `assets[i]`.
    function _checkAsset(Asset[] calldata assets, uint256 i) private pure {
        Asset calldata a = assets[i];
        if (a.token == address(0)) revert InvalidRegistration(_field(i, "token"));
        if (a.feed == address(0)) revert InvalidRegistration(_field(i, "feed"));
        if (bytes(a.symbol).length == 0) revert InvalidRegistration(_field(i, "symbol"));
        if (a.haircutBps > 10_000) revert InvalidRegistration(_field(i, "haircutBps"));
        if (a.imHaircutBps > 10_000) revert InvalidRegistration(_field(i, "imHaircutBps"));
        if (a.mmHaircutBps > a.imHaircutBps) revert InvalidRegistration(_field(i, "mmHaircutBps"));
        if (a.routeBreakLossBps > 10_000) revert InvalidRegistration(_field(i, "routeBreakLossBps"));
        for (uint256 j = 0; j < i; j++) {
            if (assets[j].token == a.token) revert InvalidRegistration(_field(i, "token"));
        }
    }

    function _field(uint256 i, string memory name) private pure returns (string memory) {
        return string.concat("assets[", Strings.toString(i), "].", name);
    }
}
