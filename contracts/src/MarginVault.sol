// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {OAppCore} from "@layerzerolabs/lz-evm-oapp-v2/contracts/oapp/OAppCore.sol";
import {OAppReceiver, Origin} from "@layerzerolabs/lz-evm-oapp-v2/contracts/oapp/OAppReceiver.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {CommandCodec} from "./CommandCodec.sol";
import {IWormhole} from "./interfaces/IWormhole.sol";

/// @title MarginVault
/// @notice Holds one chain's collateral of Unimargin accounts. Deposits are free; every outflow, lock and seizure
/// needs a command from the hub: a Wormhole VAA emitted by MarginHub and verified here ({executeCommand}), or a
/// LayerZero v2 packet sent by MarginHub, verified by the endpoint's receive library and delivered through
/// `EndpointV2.lzReceive`. Both transports apply a command through the same checks and code, and a command id takes
/// effect at most once whichever transport delivers it first.
/// @dev The LayerZero peer is fixed at construction to MarginHub on the hub's endpoint ({setPeer} reverts), so the
/// owner cannot redirect where commands come from. The OApp's delegate on the endpoint chooses the receive library
/// and DVNs, so it is trusted like the hub's key: deployments hand it, with ownership, to a timelock.
/// @dev Balances are signed. An account may withdraw on this chain more than it holds here when the hub approves it
/// against collateral on other chains: the payout comes from the vault's pooled tokens and the account's balance
/// here goes negative (a liability on this chain that the hub counts against the unified account and that later
/// deposits repay). The hub approves only what the vault's token holdings cover.
/// @dev Outflow controls, per asset, set by the hub's SetLimits command: a pause (no new withdrawal requests, no
/// payouts; deposits, rejections, cancellations, locks and seizures go on) and an outflow rate limit (at most
/// `outflowLimit` token base units paid out per aligned window `[k·periodSeconds, (k+1)·periodSeconds)` of block
/// time; `periodSeconds` 0 means no limit). An approval refused by either answers {Outcome.RateLimited} and the
/// request stays pending. Each SetLimits carries a `limitsSequence`, strictly increasing per vault and asset: one
/// that is not newer than the limits in force is consumed as {Outcome.Superseded} and changes nothing, so limits
/// delivered out of order (over two transports, or a retry) never replace newer ones. Escape hatch: a request still pending `requestTimeoutSeconds` after it was made may be
/// cancelled by its account ({cancelWithdrawal}), which returns the escrow to the account's balance here.
/// @dev Guardian and owner. A guardian key ({setGuardian}) may {pause} the whole vault at once: no new withdrawal
/// request and no payout of any asset (an approval answers {Outcome.VaultPaused} and the request stays pending);
/// deposits, rejections, cancellations, locks and seizures go on, so a paused vault still hands escrows back to
/// balances. Only the owner may {unpause}. The owner is meant to be a
/// TimelockController (the devnet deploys OpenZeppelin's, 2 days), which is also the OApp's delegate on the
/// endpoint. The vault is not upgradeable: no proxy, its hub, transports and endpoint are immutables.
/// @dev Two transports above a size (see the section of that name): an ApproveWithdrawal or Seize moving at least
/// the asset's `dualTransportThreshold` executes only once the same command id has arrived with the same payload over
/// both Wormhole and LayerZero, so one compromised transport alone cannot move a large amount.
contract MarginVault is OAppReceiver, ReentrancyGuard, Pausable {
    using SafeERC20 for IERC20;

    enum WithdrawalStatus {
        None,
        Pending,
        Executed,
        Rejected,
        /// cancelled by its account after the request timeout; the escrow went back to the balance
        Cancelled
    }

    /// @notice What a verified command did. Every outcome consumes the command (it never executes again).
    enum Outcome {
        /// the command took effect
        Applied,
        /// an approval arrived while the account is locked or at another lock epoch: the request stays pending
        VoidedByLock,
        /// a Lock/Unlock/Seize whose epoch does not match the account's lock state (a Lock at or below the current
        /// epoch; an Unlock of a locked account at another epoch, or of an unlocked one at its epoch or below; a
        /// Seize of an account not locked at that epoch)
        StaleEpoch,
        /// the request is not a pending request of the command's account
        RequestNotPending,
        /// an approval the vault's token holdings cannot pay right now: the request stays pending
        InsufficientLiquidity,
        /// an approval of a paused asset, or one that would take the asset's outflow in the current period past its
        /// limit: the request stays pending (an approval larger than the limit itself can never be paid)
        RateLimited,
        /// a SetLimits whose `limitsSequence` is not greater than that of the asset's limits in force (a newer one
        /// was applied first): the limits are unchanged; or a Checkpoint whose epoch is not greater than that of the
        /// checkpoint in force: the checkpoint is unchanged
        Superseded,
        /// an approval while the guardian has paused the whole vault: the request stays pending
        VaultPaused
    }

    struct WithdrawalRequest {
        address account;
        address asset;
        uint256 amount;
        address recipient;
        WithdrawalStatus status;
    }

    /// @notice The outflow controls of one asset, as the last SetLimits set them.
    struct AssetLimits {
        /// most token base units paid out per period; ignored while `periodSeconds` is 0
        uint256 outflowLimit;
        /// length of a rate-limit window in seconds; 0 = no rate limit
        uint32 periodSeconds;
        /// no new withdrawal request and no payout of the asset
        bool paused;
        /// the `limitsSequence` of the SetLimits that set these limits; 0 until the first one
        uint64 limitsSequence;
    }

    /// @dev Paid out of an asset in the window with index `window` (block.timestamp / periodSeconds), token base
    /// units, saturating at type(uint192).max. One storage slot, to keep a payout's gas within its LayerZero budget.
    struct Outflow {
        uint64 window;
        uint192 spent;
    }

    struct AccountLock {
        bool locked;
        uint32 epoch;
    }

    IWormhole private immutable _wormhole;
    uint16 private immutable _hubChainId;
    bytes32 private immutable _hubEmitter;
    uint32 private immutable _hubEid;

    mapping(address asset => bool) public isAssetSupported;
    mapping(address account => mapping(address asset => int256)) private _balance;
    mapping(address account => mapping(address asset => uint256)) private _escrow;
    mapping(uint64 requestId => WithdrawalRequest) private _requests;
    mapping(address account => AccountLock) private _locks;
    mapping(bytes32 vmHash => bool) private _consumedVaas;
    mapping(bytes32 commandId => bool) private _executedCommands;
    uint64 private _nextRequestId = 1;
    mapping(uint64 requestId => uint64 timestamp) private _requestedAt;
    mapping(address asset => AssetLimits) private _limits;
    mapping(address asset => Outflow) private _outflow;

    /// @notice Seconds after its creation from which a still pending request may be cancelled by its account.
    uint64 public requestTimeoutSeconds = 1 days;

    /// @notice Bounds of {setRequestTimeout}, seconds: at least an hour, so the hub has time to answer a request
    /// before its account may take the escrow back; at most 7 days, so a request the hub never answers (a hub
    /// down, or held back by its operator) can be cancelled within days whatever the owner sets.
    uint64 public constant MIN_REQUEST_TIMEOUT = 1 hours;
    uint64 public constant MAX_REQUEST_TIMEOUT = 7 days;

    // ------------------------------------------------------------------ escape hatch: state

    /// @notice The checkpoint in force: the last Checkpoint command applied (all zero before the first one).
    struct Checkpoint {
        /// strictly increasing per vault, from 1
        uint64 epoch;
        /// block of this chain up to which the hub's view of this vault went into the tree
        uint64 asOfBlock;
        /// when the checkpoint was applied here (unix s)
        uint64 appliedAt;
        /// root of the OpenZeppelin StandardMerkleTree of (account, asset, entitlement, creditedAt, debitedAt)
        bytes32 root;
    }

    /// @notice Cumulative per (account, asset) counters of this vault, token base units; they only grow.
    /// Invariant: `balance + escrow == credited - debited` for every account and asset.
    struct EscapeLedger {
        /// deposits credited to the account and seizures received by it
        uint256 credited;
        /// withdrawals paid to the account's recipients and seizures taken from it
        uint256 debited;
        /// block of the first counter change (0 = none yet)
        uint64 firstActivityBlock;
        /// the account has claimed its exit of this asset in escape mode
        bool claimed;
    }

    /// @notice Seconds without any hub command after which anyone may activate escape mode.
    uint64 public immutable escapeDelaySeconds;
    Checkpoint private _checkpoint;
    /// @notice When a hub command (any outcome) last executed here (unix s; the deployment time before the first)
    /// and how many have executed. The count changes the slot on every command, so the write costs the same gas
    /// whether or not the previous command executed at the same timestamp (a gas estimate stays valid).
    struct HubLiveness {
        uint64 lastCommandAt;
        uint64 commandCount;
    }

    HubLiveness private _hubLiveness;
    /// @dev when escape mode was activated (0 = not active)
    uint64 private _escapeActivatedAt;
    mapping(address account => mapping(address asset => EscapeLedger)) private _ledger;

    event AssetSupportSet(address indexed asset, bool supported);
    event Deposited(address indexed account, address indexed asset, uint256 amount, address depositor);
    event WithdrawalRequested(
        uint64 indexed requestId, address indexed account, address indexed asset, uint256 amount, address recipient
    );
    event WithdrawalExecuted(
        uint64 indexed requestId, address indexed account, address indexed asset, uint256 amount, address recipient
    );
    event WithdrawalRejected(
        uint64 indexed requestId, address indexed account, address indexed asset, uint256 amount, uint8 reason
    );
    /// @notice the account took back the escrow of a request the hub had not answered within the request timeout
    event WithdrawalCancelled(uint64 indexed requestId, address indexed account, address indexed asset, uint256 amount);
    /// @notice a SetLimits command with sequence `limitsSequence` replaced `asset`'s outflow controls
    event LimitsSet(address indexed asset, uint256 outflowLimit, uint32 periodSeconds, bool paused, uint64 limitsSequence);
    event RequestTimeoutSet(uint64 requestTimeoutSeconds);
    /// @notice a Lock moved the account to lock epoch `epoch`: approvals of earlier epochs are void, payouts stop
    event AccountLocked(address indexed account, uint32 epoch);
    /// @notice the account is unlocked at lock epoch `epoch` (after a liquidation settled, or a lock the hub cancelled)
    event AccountUnlocked(address indexed account, uint32 epoch);
    event Seized(address indexed account, address indexed asset, uint256 amount, address indexed receiver, uint32 epoch);
    /// @notice a command took effect (or was consumed with an outcome). `vmHash` is the VAA's hash when Wormhole
    /// carried it, the packet's GUID when LayerZero did.
    event CommandExecuted(bytes32 indexed commandId, uint8 kind, address indexed account, uint8 outcome, bytes32 vmHash);
    /// @notice item `index` of an {executeCommands} batch (a VAA hashing to `vaaDigest`, keccak256 of its bytes)
    /// reverted with `reason` (ABI-encoded error data) and was skipped
    event CommandDeliveryFailed(uint256 index, bytes32 vaaDigest, bytes reason);
    /// @notice a LayerZero packet carried a command that had already been executed (e.g. by its Wormhole VAA): the
    /// packet is consumed and nothing else happens. Not a CommandExecuted, so indexers never count it twice.
    event CommandDuplicateIgnored(bytes32 indexed commandId, bytes32 guid);

    // ------------------------------------------------------------------ escape hatch: events and errors

    /// @notice a Checkpoint command made `root` (epoch `epoch`, hub view up to block `asOfBlock`) the root in force
    event CheckpointSet(uint64 indexed epoch, bytes32 root, uint64 asOfBlock);
    /// @notice escape mode is on: no hub command executes here any more, accounts claim their exits
    event EscapeActivated(address indexed caller, uint64 lastHubCommandAt, uint64 checkpointEpoch);
    /// @notice `account` took its exit of `asset`: `amount` paid to it; `shortfall` is what the vault's tokens could
    /// not cover (0 unless withdrawals after the checkpoint drained the vault below the entitlements)
    event EscapeClaimed(address indexed account, address indexed asset, uint256 amount, uint256 shortfall, uint64 checkpointEpoch);

    error EscapeModeActive();
    error EscapeNotActive();
    error ZeroEscapeDelay();
    error EscapeTooEarly(uint256 activatableAt);
    error EscapeAlreadyClaimed(address account, address asset);
    error InvalidEscapeProof();
    /// @dev a claim without a leaf by an account whose first activity with the asset here is not after the
    /// checkpoint's `asOfBlock` (the hub saw it, so it must claim with its leaf)
    error EscapeLeafRequired(uint64 firstActivityBlock, uint64 asOfBlock);

    error InvalidVaa(string reason);
    error WrongEmitter(uint16 chainId, bytes32 emitter);
    error VaaAlreadyConsumed(bytes32 vmHash);
    error CommandAlreadyExecuted(bytes32 commandId);
    error WrongDestination(uint64 chainId, address vault);
    error CommandExpired(uint64 expiry, uint256 nowTs);
    error AccountIsLocked(address account);
    error UnsupportedAsset(address asset);
    error ZeroAmount();
    error ZeroAddress();
    error PeerFixed();
    error WithdrawalsPaused(address asset);
    error WithdrawalNotPending(uint64 requestId);
    error NotRequester(uint64 requestId, address caller);
    error CancelTooEarly(uint64 requestId, uint256 cancellableAt);
    error RequestTimeoutOutOfRange(uint64 requestTimeoutSeconds, uint64 min, uint64 max);

    /// @param wormhole_ the Wormhole core bridge on this chain
    /// @param hubChainId_ Wormhole chain id of the chain hosting MarginHub
    /// @param hubEmitter_ MarginHub's address, left-padded to 32 bytes (Wormhole emitter and LayerZero peer)
    /// @param endpoint_ the LayerZero EndpointV2 on this chain
    /// @param hubEid_ LayerZero endpoint id of the chain hosting MarginHub
    /// @param owner_ may list and delist collateral assets; the OApp's delegate on the endpoint
    /// @param escapeDelaySeconds_ seconds without any hub command after which escape mode may be activated
    /// (see {activateEscape}); reverts ZeroEscapeDelay for 0
    constructor(
        address wormhole_,
        uint16 hubChainId_,
        bytes32 hubEmitter_,
        address endpoint_,
        uint32 hubEid_,
        address owner_,
        uint64 escapeDelaySeconds_
    ) OAppCore(endpoint_, owner_) Ownable(owner_) {
        if (wormhole_ == address(0) || hubEmitter_ == bytes32(0)) revert ZeroAddress();
        if (escapeDelaySeconds_ == 0) revert ZeroEscapeDelay();
        escapeDelaySeconds = escapeDelaySeconds_;
        _hubLiveness.lastCommandAt = uint64(block.timestamp);
        _wormhole = IWormhole(wormhole_);
        _hubChainId = hubChainId_;
        _hubEmitter = hubEmitter_;
        _hubEid = hubEid_;
        _setPeer(hubEid_, hubEmitter_);
    }

    /// @notice The only peer is MarginHub, fixed at construction. Always reverts PeerFixed.
    function setPeer(uint32, bytes32) public pure override {
        revert PeerFixed();
    }

    // ------------------------------------------------------------------ admin

    /// @notice Lists or delists an ERC-20 as collateral. Delisting stops deposits, not withdrawals.
    function setAssetSupported(address asset, bool supported) external onlyOwner {
        if (asset == address(0)) revert ZeroAddress();
        if (supported && !_everListed[asset]) {
            _everListed[asset] = true;
            _listedAssets.push(asset);
        }
        isAssetSupported[asset] = supported;
        emit AssetSupportSet(asset, supported);
    }

    /// @notice Sets the request timeout (seconds after a request from which its account may cancel it). Applies to
    /// requests already pending too. Reverts RequestTimeoutOutOfRange outside
    /// [{MIN_REQUEST_TIMEOUT}, {MAX_REQUEST_TIMEOUT}] (1 hour .. 7 days).
    function setRequestTimeout(uint64 seconds_) external onlyOwner {
        if (seconds_ < MIN_REQUEST_TIMEOUT || seconds_ > MAX_REQUEST_TIMEOUT) {
            revert RequestTimeoutOutOfRange(seconds_, MIN_REQUEST_TIMEOUT, MAX_REQUEST_TIMEOUT);
        }
        requestTimeoutSeconds = seconds_;
        emit RequestTimeoutSet(seconds_);
    }

    // ------------------------------------------------------------------ lifecycle

    /// @notice Where the vault is in its life; only moves forward, one step at a time ({advanceLifecycle}), as the
    /// hub chain's VaultRegistry entry of the vault does. What the vault enforces:
    /// Active: everything. DepositsClosed and WithdrawalsOnly: {deposit} reverts DepositsNotAccepted; withdrawal
    /// requests, hub commands, cancellations and the escape hatch go on. Retired: also {requestWithdrawal} reverts
    /// VaultIsRetired; hub commands, cancellations and the escape hatch still work. A vault is retired only when it
    /// owes its accounts nothing ({outstanding} is at most 0 for every asset it ever listed), so retiring never strands funds.
    enum Lifecycle {
        Active,
        DepositsClosed,
        WithdrawalsOnly,
        Retired
    }

    Lifecycle public lifecycle;

    /// @notice Token base units of `asset` the vault owes its accounts in total: deposits credited minus payouts,
    /// i.e. the sum over accounts of balance + escrow (seizures move value between accounts and leave it unchanged).
    /// Tokens sent to the vault without {deposit} are not counted, so they cannot hold a retirement back; a payout
    /// out of such tokens can take it below 0.
    mapping(address asset => int256) public outstanding;
    /// @dev every asset ever listed, in listing order: a delisted asset may still be owed
    address[] private _listedAssets;
    mapping(address asset => bool) private _everListed;

    /// @notice the owner moved the vault's lifecycle from `from` to the next state `to`
    event LifecycleAdvanced(Lifecycle from, Lifecycle to);

    /// @notice a deposit while the vault's lifecycle is `lifecycle` (deposits are taken only while Active)
    error DepositsNotAccepted(Lifecycle lifecycle);
    /// @notice a withdrawal request to a retired vault
    error VaultIsRetired();
    /// @notice the vault is already retired: its lifecycle cannot move any more
    error LifecycleFinal();
    /// @notice retirement while the vault still owes its accounts `amount` of `asset`
    error VaultNotEmpty(address asset, int256 amount);

    /// @notice Moves {lifecycle} to its next state (Active → DepositsClosed → WithdrawalsOnly → Retired). Owner
    /// only (its timelock). Emits LifecycleAdvanced.
    /// @dev Reverts LifecycleFinal when retired; on the step to Retired, VaultNotEmpty while {outstanding} of an asset
    /// ever listed is above 0, and EscapeModeActive once escape mode is on (claims then pay what the vault holds).
    function advanceLifecycle() external onlyOwner {
        Lifecycle from = lifecycle;
        if (from == Lifecycle.Retired) revert LifecycleFinal();
        Lifecycle to = Lifecycle(uint8(from) + 1);
        if (to == Lifecycle.Retired) {
            if (_escapeActivatedAt != 0) revert EscapeModeActive();
            for (uint256 i = 0; i < _listedAssets.length; i++) {
                int256 owed = outstanding[_listedAssets[i]];
                if (owed > 0) revert VaultNotEmpty(_listedAssets[i], owed);
            }
        }
        lifecycle = to;
        emit LifecycleAdvanced(from, to);
    }

    // ------------------------------------------------------------------ guardian

    /// @notice The key that may {pause} the vault; address(0) = none. Set by the owner ({setGuardian}).
    address public guardian;

    /// @notice the owner replaced the guardian `previousGuardian` by `newGuardian` (address(0) = none)
    event GuardianSet(address indexed previousGuardian, address indexed newGuardian);

    error NotGuardian(address caller);

    /// @notice Names the key that may pause the vault, or address(0) for none. Owner only.
    function setGuardian(address newGuardian) external onlyOwner {
        emit GuardianSet(guardian, newGuardian);
        guardian = newGuardian;
    }

    /// @notice Stops every outflow of the vault at once: {requestWithdrawal} reverts EnforcedPause and an
    /// approval is consumed as {Outcome.VaultPaused}, its request left pending. Deposits, rejections,
    /// cancellations, locks, unlocks, seizures and SetLimits go on. Emits Paused(guardian).
    /// @dev Reverts NotGuardian for any other caller (the owner included) or EnforcedPause when already paused.
    function pause() external {
        if (msg.sender != guardian) revert NotGuardian(msg.sender);
        _pause();
    }

    /// @notice Lifts the guardian's pause. Owner only (through its timelock). Emits Unpaused(owner).
    /// @dev Reverts ExpectedPause when not paused.
    function unpause() external onlyOwner {
        _unpause();
    }

    // ------------------------------------------------------------------ users

    /// @notice Pulls `amount` of `asset` from the caller and credits it to `account`'s free balance.
    /// @dev Credits what actually arrived, so fee-on-transfer tokens cannot inflate balances.
    /// Reverts EscapeModeActive once escape mode is on (a deposit could no longer be withdrawn after a claim), and
    /// DepositsNotAccepted once the vault's {lifecycle} left Active.
    function deposit(address asset, uint256 amount, address account) external nonReentrant {
        if (_escapeActivatedAt != 0) revert EscapeModeActive();
        if (lifecycle != Lifecycle.Active) revert DepositsNotAccepted(lifecycle);
        if (!isAssetSupported[asset]) revert UnsupportedAsset(asset);
        if (amount == 0) revert ZeroAmount();
        if (account == address(0)) revert ZeroAddress();
        uint256 before = IERC20(asset).balanceOf(address(this));
        IERC20(asset).safeTransferFrom(msg.sender, address(this), amount);
        uint256 received = IERC20(asset).balanceOf(address(this)) - before;
        _balance[account][asset] += SafeCast.toInt256(received);
        outstanding[asset] += SafeCast.toInt256(received);
        _escapeCredit(account, asset, received);
        emit Deposited(account, asset, received, msg.sender);
    }

    /// @notice Moves `amount` of the caller's balance into escrow and asks the hub to approve paying it to
    /// `recipient`. The hub answers with ApproveWithdrawal or RejectWithdrawal. The amount may exceed the caller's
    /// balance on this chain (the balance goes negative while the request is pending): the hub decides against the
    /// account's collateral on every chain, and a rejection restores the balance.
    /// If the hub has not answered `requestTimeoutSeconds` later, the caller may take the escrow back with
    /// {cancelWithdrawal}.
    /// @dev Reverts EnforcedPause (the guardian paused the vault), AccountIsLocked, WithdrawalsPaused (the asset is
    /// paused by SetLimits), ZeroAmount, ZeroAddress, EscapeModeActive (no hub can answer any more; exits go through
    /// {claimEscape}) or VaultIsRetired (the vault owes its accounts nothing: see {advanceLifecycle}).
    /// @return requestId sequential from 1
    function requestWithdrawal(address asset, uint256 amount, address recipient)
        external
        nonReentrant
        whenNotPaused
        returns (uint64 requestId)
    {
        if (_escapeActivatedAt != 0) revert EscapeModeActive();
        if (lifecycle == Lifecycle.Retired) revert VaultIsRetired();
        if (_locks[msg.sender].locked) revert AccountIsLocked(msg.sender);
        if (_limits[asset].paused) revert WithdrawalsPaused(asset);
        if (amount == 0) revert ZeroAmount();
        if (recipient == address(0)) revert ZeroAddress();
        _balance[msg.sender][asset] -= SafeCast.toInt256(amount);
        _escrow[msg.sender][asset] += amount;
        requestId = _nextRequestId++;
        _requests[requestId] = WithdrawalRequest(msg.sender, asset, amount, recipient, WithdrawalStatus.Pending);
        _requestedAt[requestId] = uint64(block.timestamp);
        emit WithdrawalRequested(requestId, msg.sender, asset, amount, recipient);
    }

    /// @notice Escape hatch: cancels the caller's request `requestId` that is still pending (no Approve or Reject
    /// executed) `requestTimeoutSeconds` or more after it was made, and returns its escrow to the caller's balance
    /// here. Works while the account is locked or the asset paused (no token leaves the vault). A later Approve or
    /// Reject of the request answers RequestNotPending.
    /// @dev Reverts WithdrawalNotPending, NotRequester (the caller is not the request's account) or CancelTooEarly
    /// (with the first timestamp at which the cancel is allowed).
    function cancelWithdrawal(uint64 requestId) external nonReentrant {
        WithdrawalRequest storage r = _requests[requestId];
        if (r.status != WithdrawalStatus.Pending) revert WithdrawalNotPending(requestId);
        if (r.account != msg.sender) revert NotRequester(requestId, msg.sender);
        uint256 cancellableAt = uint256(_requestedAt[requestId]) + requestTimeoutSeconds;
        if (block.timestamp < cancellableAt) revert CancelTooEarly(requestId, cancellableAt);
        r.status = WithdrawalStatus.Cancelled;
        _escrow[r.account][r.asset] -= r.amount;
        _balance[r.account][r.asset] += SafeCast.toInt256(r.amount);
        emit WithdrawalCancelled(requestId, r.account, r.asset, r.amount);
    }

    // ------------------------------------------------------------------ hub commands

    /// @notice Verifies a VAA carrying a hub command and applies it. Anyone may relay.
    /// @dev Reverts InvalidVaa, WrongEmitter, VaaAlreadyConsumed, a CommandCodec error, WrongDestination,
    /// CommandAlreadyExecuted (also when LayerZero delivered it first), CommandExpired or EscapeModeActive (escape
    /// mode is on: no hub command executes any more). A command that passes
    /// these checks is consumed whatever its outcome (see {Outcome}) and ends with CommandExecuted.
    function executeCommand(bytes calldata encodedVaa) external nonReentrant {
        if (_escapeActivatedAt != 0) revert EscapeModeActive();
        (IWormhole.VM memory vm, bool valid, string memory reason) = _wormhole.parseAndVerifyVM(encodedVaa);
        if (!valid) revert InvalidVaa(reason);
        if (vm.emitterChainId != _hubChainId || vm.emitterAddress != _hubEmitter) {
            revert WrongEmitter(vm.emitterChainId, vm.emitterAddress);
        }
        if (_consumedVaas[vm.hash]) revert VaaAlreadyConsumed(vm.hash);
        _consumedVaas[vm.hash] = true;

        CommandCodec.Command memory c = CommandCodec.decode(vm.payload);
        _checkDestination(c);
        _checkExpiry(c);
        if (_executedCommands[c.commandId]) revert CommandAlreadyExecuted(c.commandId);
        _arrive(c, keccak256(vm.payload), Transport.Wormhole, vm.hash);
    }

    /// @notice Applies several VAAs in one transaction, each exactly as {executeCommand} would in a transaction of
    /// its own: one that reverts is skipped (its state changes undone, `CommandDeliveryFailed` emitted with the
    /// revert data) and the rest still apply. Anyone may relay. Relayers use it to carry many commands per block.
    /// @param encodedVaas signed VAAs, applied in order
    /// @return executed whether each VAA was applied (a command that passed the checks, whatever its outcome)
    function executeCommands(bytes[] calldata encodedVaas) external returns (bool[] memory executed) {
        executed = new bool[](encodedVaas.length);
        for (uint256 i = 0; i < encodedVaas.length; i++) {
            try this.executeCommand(encodedVaas[i]) {
                executed[i] = true;
            } catch (bytes memory reason) {
                emit CommandDeliveryFailed(i, keccak256(encodedVaas[i]), reason);
            }
        }
    }

    /// @dev A LayerZero packet from MarginHub (OAppReceiver has checked the endpoint and the peer). Same checks and
    /// code as {executeCommand}, except that a command already executed is consumed with CommandDuplicateIgnored
    /// instead of reverting: a reverted packet stays verified and would be retried forever. WrongDestination,
    /// CommandExpired, a CommandCodec error or a failing payout revert, leaving the packet verified: a transient
    /// failure can be retried; a permanent one is dropped by the relayer (and may be cleared by the delegate).
    /// In escape mode every packet reverts EscapeModeActive: it stays verified at the endpoint and can never execute
    /// (escape mode is final), the same answer the Wormhole path gives, so no transport can act after activation.
    function _lzReceive(Origin calldata, bytes32 guid, bytes calldata message, address, bytes calldata)
        internal
        override
        nonReentrant
    {
        if (_escapeActivatedAt != 0) revert EscapeModeActive();
        CommandCodec.Command memory c = CommandCodec.decode(message);
        _checkDestination(c);
        if (_executedCommands[c.commandId]) {
            emit CommandDuplicateIgnored(c.commandId, guid);
            return;
        }
        _checkExpiry(c);
        _arrive(c, keccak256(message), Transport.LayerZero, guid);
    }

    /// @dev Reverts WrongDestination unless the command names this chain and vault.
    function _checkDestination(CommandCodec.Command memory c) private view {
        if (c.destChainId != block.chainid || c.vault != address(this)) revert WrongDestination(c.destChainId, c.vault);
    }

    /// @dev Reverts CommandExpired once the command's expiry (unix s) has passed.
    function _checkExpiry(CommandCodec.Command memory c) private view {
        if (c.expiry < block.timestamp) revert CommandExpired(c.expiry, block.timestamp);
    }

    /// @dev Marks the command executed and applies it; `deliveryHash` is the VAA hash or the packet GUID.
    function _execute(CommandCodec.Command memory c, bytes32 deliveryHash) private {
        _executedCommands[c.commandId] = true;
        _hubLiveness = HubLiveness(uint64(block.timestamp), _hubLiveness.commandCount + 1);
        Outcome outcome;
        if (c.kind == CommandCodec.KIND_APPROVE_WITHDRAWAL) outcome = _approve(c);
        else if (c.kind == CommandCodec.KIND_REJECT_WITHDRAWAL) outcome = _reject(c);
        else if (c.kind == CommandCodec.KIND_LOCK) outcome = _lock(c);
        else if (c.kind == CommandCodec.KIND_UNLOCK) outcome = _unlock(c);
        else if (c.kind == CommandCodec.KIND_SEIZE) outcome = _seize(c);
        else if (c.kind == CommandCodec.KIND_CHECKPOINT) outcome = _setCheckpoint(c);
        else outcome = _setLimits(c);

        emit CommandExecuted(c.commandId, c.kind, c.account, uint8(outcome), deliveryHash);
    }

    function _approve(CommandCodec.Command memory c) private returns (Outcome) {
        WithdrawalRequest storage r = _requests[c.requestId];
        if (r.status != WithdrawalStatus.Pending || r.account != c.account) return Outcome.RequestNotPending;
        AccountLock memory l = _locks[r.account];
        if (l.locked || l.epoch != c.lockEpoch) return Outcome.VoidedByLock;
        if (paused()) return Outcome.VaultPaused;
        if (IERC20(r.asset).balanceOf(address(this)) < r.amount) return Outcome.InsufficientLiquidity;
        if (!_spendAllowance(r.asset, r.amount)) return Outcome.RateLimited;
        r.status = WithdrawalStatus.Executed;
        _escrow[r.account][r.asset] -= r.amount;
        outstanding[r.asset] -= SafeCast.toInt256(r.amount);
        _escapeDebit(r.account, r.asset, r.amount);
        IERC20(r.asset).safeTransfer(r.recipient, r.amount);
        emit WithdrawalExecuted(c.requestId, r.account, r.asset, r.amount, r.recipient);
        return Outcome.Applied;
    }

    function _reject(CommandCodec.Command memory c) private returns (Outcome) {
        WithdrawalRequest storage r = _requests[c.requestId];
        if (r.status != WithdrawalStatus.Pending || r.account != c.account) return Outcome.RequestNotPending;
        r.status = WithdrawalStatus.Rejected;
        _escrow[r.account][r.asset] -= r.amount;
        _balance[r.account][r.asset] += SafeCast.toInt256(r.amount);
        emit WithdrawalRejected(c.requestId, r.account, r.asset, r.amount, c.reason);
        return Outcome.Applied;
    }

    function _lock(CommandCodec.Command memory c) private returns (Outcome) {
        AccountLock storage l = _locks[c.account];
        if (c.lockEpoch <= l.epoch) return Outcome.StaleEpoch;
        l.epoch = c.lockEpoch;
        l.locked = true;
        emit AccountLocked(c.account, c.lockEpoch);
        return Outcome.Applied;
    }

    /// @dev A locked account unlocks only at its own epoch. An unlocked account at an older epoch adopts the command's
    ///      epoch and stays unlocked: the hub cancelled a lock this vault never applied (its Lock was refused or is
    ///      still in flight), so this vault's epoch moves with the others' and a late Lock of that epoch is stale.
    function _unlock(CommandCodec.Command memory c) private returns (Outcome) {
        AccountLock storage l = _locks[c.account];
        if (l.locked ? l.epoch != c.lockEpoch : c.lockEpoch <= l.epoch) return Outcome.StaleEpoch;
        l.epoch = c.lockEpoch;
        l.locked = false;
        emit AccountUnlocked(c.account, c.lockEpoch);
        return Outcome.Applied;
    }

    function _seize(CommandCodec.Command memory c) private returns (Outcome) {
        AccountLock memory l = _locks[c.account];
        if (!l.locked || l.epoch != c.lockEpoch) return Outcome.StaleEpoch;
        int256 balance = _balance[c.account][c.asset];
        uint256 available = balance > 0 ? uint256(balance) : 0;
        uint256 moved = c.amount < available ? c.amount : available;
        _balance[c.account][c.asset] = balance - SafeCast.toInt256(moved);
        _balance[c.receiver][c.asset] += SafeCast.toInt256(moved);
        if (moved > 0) {
            _escapeDebit(c.account, c.asset, moved);
            _escapeCredit(c.receiver, c.asset, moved);
        }
        emit Seized(c.account, c.asset, moved, c.receiver, c.lockEpoch);
        return Outcome.Applied;
    }

    /// @dev Replaces the asset's limits, unless the limits in force come from a SetLimits with the same or a higher
    /// sequence (Superseded, nothing changes). A new period length restarts the count of what was paid out; the same
    /// length keeps the current window's count, so re-sending limits never resets it.
    function _setLimits(CommandCodec.Command memory c) private returns (Outcome) {
        AssetLimits memory current = _limits[c.asset];
        if (c.limitsSequence <= current.limitsSequence) return Outcome.Superseded;
        if (current.periodSeconds != c.periodSeconds) delete _outflow[c.asset];
        _limits[c.asset] = AssetLimits(c.outflowLimit, c.periodSeconds, c.paused, c.limitsSequence);
        emit LimitsSet(c.asset, c.outflowLimit, c.periodSeconds, c.paused, c.limitsSequence);
        return Outcome.Applied;
    }

    /// @dev Counts `amount` against the asset's outflow allowance of the current window; false (and nothing counted)
    /// when the asset is paused or the allowance is too small. Only called right before a payout that cannot then
    /// fail for another reason than the token transfer itself (which reverts the whole command).
    function _spendAllowance(address asset, uint256 amount) private returns (bool) {
        AssetLimits memory lim = _limits[asset];
        if (lim.paused) return false;
        if (lim.periodSeconds == 0) return true;
        uint64 window = uint64(block.timestamp / lim.periodSeconds);
        Outflow storage o = _outflow[asset];
        uint256 spent = o.window == window ? o.spent : 0;
        if (amount > lim.outflowLimit || spent > lim.outflowLimit - amount) return false;
        uint256 total = spent + amount;
        o.window = window;
        o.spent = total > type(uint192).max ? type(uint192).max : uint192(total);
        return true;
    }

    // ------------------------------------------------------------------ two transports above a size

    /// @notice A transport a command can arrive over.
    enum Transport {
        None,
        Wormhole,
        LayerZero
    }

    /// @notice The first arrival of a command held for its second transport (see {dualTransportThreshold}).
    struct HeldCommand {
        /// keccak256 of the command's payload as the first transport carried it
        bytes32 payloadHash;
        /// the transport of the first arrival; None when the command is not held
        Transport transport;
        /// a copy with another payload arrived over the other transport: the command id never executes
        bool frozen;
    }

    /// @notice Per asset, the smallest amount (token base units) of an ApproveWithdrawal (the request's amount) or a
    /// Seize (the command's amount) that executes only once the same command has arrived over both Wormhole and
    /// LayerZero; 0 (the default) = every command executes at its first arrival. Set by the owner from the
    /// `dualTransportAboveUsd` notional of the vault's config, converted to base units at the hub's price of the
    /// asset (`dualTransportThresholds` of the chains package).
    mapping(address asset => uint256) public dualTransportThreshold;
    mapping(bytes32 commandId => HeldCommand) private _held;

    event DualTransportThresholdSet(address indexed asset, uint256 threshold);
    /// @notice a command at or above its asset's threshold arrived over `transport` (a {Transport}) and waits for
    /// the same payload over the other transport; the delivery is consumed and nothing else happened
    event CommandAwaitingSecondTransport(bytes32 indexed commandId, uint8 transport, bytes32 payloadHash);
    /// @notice the second copy of a held command, over `transport`, carried another payload than the first: the
    /// command id is frozen (no copy of it ever executes; the hub must decide again under a new command id)
    event CommandPayloadMismatch(bytes32 indexed commandId, uint8 transport, bytes32 heldPayloadHash, bytes32 payloadHash);
    /// @notice a LayerZero packet of a frozen command was consumed without effect
    event FrozenCommandIgnored(bytes32 indexed commandId, bytes32 guid);

    /// @notice a VAA of a command held after arriving over Wormhole: only its LayerZero packet can complete it
    error CommandAwaitingOtherTransport(bytes32 commandId);
    /// @notice a VAA of a frozen command (see {CommandPayloadMismatch})
    error CommandFrozen(bytes32 commandId);

    /// @notice Sets `asset`'s {dualTransportThreshold}, token base units (0 disables it). Commands already held
    /// still need their second transport.
    function setDualTransportThreshold(address asset, uint256 threshold) external onlyOwner {
        if (asset == address(0)) revert ZeroAddress();
        dualTransportThreshold[asset] = threshold;
        emit DualTransportThresholdSet(asset, threshold);
    }

    /// @notice The held first arrival of `commandId` (all zero when none), and whether the id is frozen.
    function heldCommand(bytes32 commandId) external view returns (HeldCommand memory) {
        return _held[commandId];
    }

    /// @dev A verified, unexpired, not yet executed command arriving over `transport` (`deliveryHash`: VAA hash or
    /// packet GUID). Executes it, unless it needs both transports: then the first arrival is held, a second one over
    /// the same transport is a duplicate (a VAA reverts CommandAwaitingOtherTransport, a packet is consumed with
    /// CommandDuplicateIgnored), and one over the other transport executes it when its payload hash matches, or
    /// freezes the command id when it does not. Any arrival of a frozen id: a VAA reverts CommandFrozen, a packet is
    /// consumed with FrozenCommandIgnored (a reverted packet would stay verified and be retried forever).
    function _arrive(CommandCodec.Command memory c, bytes32 payloadHash, Transport transport, bytes32 deliveryHash) private {
        HeldCommand storage held = _held[c.commandId];
        if (held.frozen) {
            if (transport == Transport.Wormhole) revert CommandFrozen(c.commandId);
            emit FrozenCommandIgnored(c.commandId, deliveryHash);
            return;
        }
        if (held.transport == Transport.None) {
            if (!_needsBothTransports(c)) return _execute(c, deliveryHash);
            held.payloadHash = payloadHash;
            held.transport = transport;
            emit CommandAwaitingSecondTransport(c.commandId, uint8(transport), payloadHash);
            return;
        }
        if (held.transport == transport) {
            if (transport == Transport.Wormhole) revert CommandAwaitingOtherTransport(c.commandId);
            emit CommandDuplicateIgnored(c.commandId, deliveryHash);
            return;
        }
        if (held.payloadHash != payloadHash) {
            held.frozen = true;
            emit CommandPayloadMismatch(c.commandId, uint8(transport), held.payloadHash, payloadHash);
            return;
        }
        _execute(c, deliveryHash);
    }

    /// @dev Whether `c` moves at least its asset's threshold: an ApproveWithdrawal by its request's amount (a request
    /// that is not the command's account's pending one moves nothing), a Seize by its amount. Other kinds move no
    /// value.
    function _needsBothTransports(CommandCodec.Command memory c) private view returns (bool) {
        if (c.kind == CommandCodec.KIND_APPROVE_WITHDRAWAL) {
            WithdrawalRequest storage r = _requests[c.requestId];
            if (r.status != WithdrawalStatus.Pending || r.account != c.account) return false;
            uint256 threshold = dualTransportThreshold[r.asset];
            return threshold != 0 && r.amount >= threshold;
        }
        if (c.kind == CommandCodec.KIND_SEIZE) {
            uint256 threshold = dualTransportThreshold[c.asset];
            return threshold != 0 && c.amount >= threshold;
        }
        return false;
    }

    // ------------------------------------------------------------------ escape hatch

    /// @notice Escape hatch: how accounts leave when no hub node is left.
    /// @dev Design and reasoning.
    /// 1. Checkpoints. The hub periodically sends each vault a Checkpoint command (kind 7) carrying `epoch` (strictly
    ///    increasing per vault; an older or equal one is consumed as {Outcome.Superseded}), `asOfBlock` (the block of
    ///    this chain up to which its view of this vault went into the tree) and `root`, the root of an OpenZeppelin
    ///    StandardMerkleTree whose leaves are `(address account, address asset, uint256 entitlement,
    ///    uint256 creditedAt, uint256 debitedAt)`, hashed as `keccak256(bytes.concat(keccak256(abi.encode(...))))`.
    ///    `entitlement` is what the account may take of the asset here if every position were closed at the risk
    ///    engine's worst scenario and its liabilities elsewhere settled (token base units; the hub's allocation keeps
    ///    the sum over chains, in USD at the checkpoint's prices, within the account's equity after that loss, and
    ///    the sum per vault and asset within the vault's token holdings). `creditedAt`/`debitedAt` are this vault's
    ///    counters for the pair (see {EscapeLedger}) as of `asOfBlock`.
    /// 2. Counters, not balances. Balances change after the checkpoint (deposits, payouts approved before the hub
    ///    went away, seizures). Every change that moves value in or out of an account here also moves one of two
    ///    cumulative counters: `credited` (deposits, seizures received) and `debited` (payouts, seizures taken);
    ///    `balance + escrow == credited - debited` at all times. A claim pays
    ///    `max(0, entitlement + (credited - creditedAt) - (debited - debitedAt))`: what arrived after `asOfBlock`
    ///    comes back, what left after it is not paid twice, and nothing before it counts twice because the leaf
    ///    already priced it into `entitlement`. A pending withdrawal's escrow is still the account's (the counters
    ///    move only when a payout executes), so the hub counts it as balance and a request unanswered when the hub
    ///    stopped is paid through the claim; {cancelWithdrawal} keeps working and changes no counter.
    /// 3. Accounts without a leaf. The hub puts a leaf in the tree for every pair with any counter activity up to
    ///    `asOfBlock`. A pair whose first activity here (`firstActivityBlock`) is after `asOfBlock` therefore has no
    ///    leaf, provably: it claims its own `credited - debited` with {claimEscapeWithoutLeaf}. The block (rather
    ///    than the epoch in force at the first deposit) closes the window between the hub's snapshot and the
    ///    checkpoint's arrival, in which an account first seen would have neither a leaf nor a provably later start.
    ///    Before any checkpoint (`asOfBlock` 0) every account takes its own `credited - debited`.
    /// 4. Liveness. Every executed hub command (any outcome) restarts the clock. When none has executed for
    ///    `escapeDelaySeconds`, anyone may call {activateEscape}. Escape mode is final: from then no hub command
    ///    executes (a VAA reverts EscapeModeActive; a LayerZero packet reverts it too and stays verified but
    ///    unexecutable at the endpoint), no deposit or withdrawal request is accepted, and each account claims each
    ///    asset once. Outflow limits and pauses set by the hub do not apply to claims (the hub that set them is gone).
    /// 5. Residual risk. A withdrawal the hub approved on another chain after `asOfBlock` against collateral here is
    ///    not known to this vault; the account's claim here still includes that collateral. The exposure is bounded
    ///    by what the hub approves within one checkpoint interval. A payout here after `asOfBlock` by an account
    ///    whose claim floors at 0 leaves fewer tokens than the entitlements: claims are then paid in arrival order
    ///    and the last ones short (`EscapeClaimed.shortfall`), never reverting.

    /// @notice Turns escape mode on once no hub command has executed here for `escapeDelaySeconds`. Anyone may call.
    /// @dev Reverts EscapeModeActive (already on) or EscapeTooEarly (with the first timestamp it is allowed).
    function activateEscape() external {
        if (_escapeActivatedAt != 0) revert EscapeModeActive();
        uint64 lastCommandAt = _hubLiveness.lastCommandAt;
        uint256 activatableAt = uint256(lastCommandAt) + escapeDelaySeconds;
        if (block.timestamp < activatableAt) revert EscapeTooEarly(activatableAt);
        _escapeActivatedAt = uint64(block.timestamp);
        emit EscapeActivated(msg.sender, lastCommandAt, _checkpoint.epoch);
    }

    /// @notice In escape mode, pays the caller its exit of `asset` under the checkpoint in force:
    /// `max(0, entitlement + (credited - creditedAt) - (debited - debitedAt))` token base units, capped by the
    /// vault's tokens. Once per (account, asset).
    /// The leaf's values (token base units) and proof come from the hub's stored checkpoint: `unimargin escape proof`
    /// or `GET /v1/accounts/:address/escape`.
    /// @param asset the ERC-20 to claim
    /// @param entitlement the leaf's entitlement of the caller here
    /// @param creditedAt the leaf's copy of the caller's `credited` counter as of the checkpoint's `asOfBlock`
    /// @param debitedAt the leaf's copy of the caller's `debited` counter as of the checkpoint's `asOfBlock`
    /// @param proof the leaf's StandardMerkleTree proof against the checkpoint's root
    /// @dev Reverts EscapeNotActive, EscapeAlreadyClaimed or InvalidEscapeProof (also for a proof under an older root).
    /// @return paid token base units sent to the caller
    function claimEscape(address asset, uint256 entitlement, uint256 creditedAt, uint256 debitedAt, bytes32[] calldata proof)
        external
        nonReentrant
        returns (uint256 paid)
    {
        EscapeLedger storage l = _claimableLedger(msg.sender, asset);
        bytes32 leaf = keccak256(bytes.concat(keccak256(abi.encode(msg.sender, asset, entitlement, creditedAt, debitedAt))));
        bytes32 root = _checkpoint.root;
        if (root == bytes32(0) || !MerkleProof.verifyCalldata(proof, root, leaf)) revert InvalidEscapeProof();
        int256 due = SafeCast.toInt256(entitlement) + SafeCast.toInt256(l.credited) - SafeCast.toInt256(creditedAt)
            - SafeCast.toInt256(l.debited) + SafeCast.toInt256(debitedAt);
        return _payEscape(l, asset, due > 0 ? uint256(due) : 0);
    }

    /// @notice In escape mode, pays the caller `max(0, credited - debited)` of `asset` when the caller provably has
    /// no leaf under the checkpoint in force: its first activity with the asset here came after the checkpoint's
    /// `asOfBlock` (or no checkpoint ever arrived). Once per (account, asset).
    /// @dev Reverts EscapeNotActive, EscapeAlreadyClaimed or EscapeLeafRequired.
    /// @return paid token base units sent to the caller
    function claimEscapeWithoutLeaf(address asset) external nonReentrant returns (uint256 paid) {
        EscapeLedger storage l = _claimableLedger(msg.sender, asset);
        if (l.firstActivityBlock == 0 || l.firstActivityBlock <= _checkpoint.asOfBlock) {
            revert EscapeLeafRequired(l.firstActivityBlock, _checkpoint.asOfBlock);
        }
        return _payEscape(l, asset, l.credited > l.debited ? l.credited - l.debited : 0);
    }

    /// @dev The caller's ledger of `asset`, checked claimable: escape mode on and not claimed yet.
    function _claimableLedger(address account, address asset) private view returns (EscapeLedger storage l) {
        if (_escapeActivatedAt == 0) revert EscapeNotActive();
        l = _ledger[account][asset];
        if (l.claimed) revert EscapeAlreadyClaimed(account, asset);
    }

    /// @dev Marks the claim taken and pays `due`, capped by the vault's tokens of `asset`.
    function _payEscape(EscapeLedger storage l, address asset, uint256 due) private returns (uint256 paid) {
        l.claimed = true;
        uint256 held = IERC20(asset).balanceOf(address(this));
        paid = due < held ? due : held;
        if (paid > 0) IERC20(asset).safeTransfer(msg.sender, paid);
        emit EscapeClaimed(msg.sender, asset, paid, due - paid, _checkpoint.epoch);
    }

    /// @dev Applies a Checkpoint unless the one in force has the same or a newer epoch (Superseded).
    function _setCheckpoint(CommandCodec.Command memory c) private returns (Outcome) {
        if (c.checkpointEpoch <= _checkpoint.epoch) return Outcome.Superseded;
        _checkpoint = Checkpoint(c.checkpointEpoch, c.asOfBlock, uint64(block.timestamp), c.root);
        emit CheckpointSet(c.checkpointEpoch, c.root, c.asOfBlock);
        return Outcome.Applied;
    }

    function _escapeCredit(address account, address asset, uint256 amount) private {
        EscapeLedger storage l = _ledger[account][asset];
        if (l.firstActivityBlock == 0) l.firstActivityBlock = uint64(block.number);
        l.credited += amount;
    }

    function _escapeDebit(address account, address asset, uint256 amount) private {
        EscapeLedger storage l = _ledger[account][asset];
        if (l.firstActivityBlock == 0) l.firstActivityBlock = uint64(block.number);
        l.debited += amount;
    }

    /// @notice The checkpoint in force (all zero before the first).
    function checkpoint() external view returns (Checkpoint memory) {
        return _checkpoint;
    }

    /// @notice `account`'s escape counters of `asset` here (token base units) and whether it has claimed.
    function escapeLedgerOf(address account, address asset) external view returns (EscapeLedger memory) {
        return _ledger[account][asset];
    }

    /// @notice When escape mode was activated (unix s), 0 while it is off.
    function escapeActivatedAt() external view returns (uint64) {
        return _escapeActivatedAt;
    }

    /// @notice When a hub command last executed here (unix s; the deployment time before the first). Escape mode
    /// may be activated from `lastHubCommandAt + escapeDelaySeconds` on.
    function lastHubCommandAt() external view returns (uint64) {
        return _hubLiveness.lastCommandAt;
    }

    /// @notice How many hub commands have executed here (any outcome).
    function hubCommandCount() external view returns (uint64) {
        return _hubLiveness.commandCount;
    }

    // ------------------------------------------------------------------ views

    /// @notice `account`'s balance of `asset` on this chain outside escrow, token base units; negative when the
    /// account withdrew here against collateral on other chains. Only a positive balance can be seized.
    function balanceOf(address account, address asset) external view returns (int256) {
        return _balance[account][asset];
    }

    /// @notice `account`'s balance of `asset` held for pending withdrawal requests, token base units.
    function escrowOf(address account, address asset) external view returns (uint256) {
        return _escrow[account][asset];
    }

    function withdrawalRequest(uint64 requestId) external view returns (WithdrawalRequest memory) {
        return _requests[requestId];
    }

    /// @notice When request `requestId` was made (unix s; 0 for an unknown id). It may be cancelled from
    /// `withdrawalRequestedAt + requestTimeoutSeconds` on while still pending.
    function withdrawalRequestedAt(uint64 requestId) external view returns (uint64) {
        return _requestedAt[requestId];
    }

    /// @notice `asset`'s outflow controls and the sequence of the SetLimits that set them (see {AssetLimits}); all
    /// zero until a SetLimits names the asset.
    function limitsOf(address asset) external view returns (AssetLimits memory) {
        return _limits[asset];
    }

    /// @notice What may still be paid out of `asset` in the current window, token base units: 0 while paused,
    /// type(uint256).max without a rate limit.
    function outflowAllowance(address asset) external view returns (uint256) {
        AssetLimits memory lim = _limits[asset];
        if (lim.paused) return 0;
        if (lim.periodSeconds == 0) return type(uint256).max;
        Outflow memory o = _outflow[asset];
        uint256 spent = o.window == uint64(block.timestamp / lim.periodSeconds) ? o.spent : 0;
        return spent >= lim.outflowLimit ? 0 : lim.outflowLimit - spent;
    }

    function accountLock(address account) external view returns (bool locked, uint32 epoch) {
        AccountLock memory l = _locks[account];
        return (l.locked, l.epoch);
    }

    function isVaaConsumed(bytes32 vmHash) external view returns (bool) {
        return _consumedVaas[vmHash];
    }

    function isCommandExecuted(bytes32 commandId) external view returns (bool) {
        return _executedCommands[commandId];
    }

    /// @notice The id the next withdrawal request will get.
    function nextRequestId() external view returns (uint64) {
        return _nextRequestId;
    }

    function hubChainId() external view returns (uint16) {
        return _hubChainId;
    }

    /// @notice LayerZero endpoint id of the hub chain, whose MarginHub is this OApp's only peer.
    function hubEid() external view returns (uint32) {
        return _hubEid;
    }

    function hubEmitter() external view returns (bytes32) {
        return _hubEmitter;
    }

    function wormhole() external view returns (address) {
        return address(_wormhole);
    }
}
