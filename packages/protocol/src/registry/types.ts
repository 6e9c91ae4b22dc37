/**
 * The EIP-712 types of a `VaultRegistry` registration request (`contracts/src/VaultRegistry.sol`, `registerWithSignature`),
 * for viem's `signTypedData` with the domain `{ name: 'Unimargin VaultRegistry', version: '1', chainId: <hub chain>,
 * verifyingContract: <registry> }`. Units: `deploymentBlock` a block number, `haircutBps`/`mmHaircutBps`/`imHaircutBps`/
 * `routeBreakLossBps` basis points, `deadline` unix seconds; `transport` 0 Wormhole, 1 LayerZero.
 */
export const VAULT_REGISTRATION_TYPES = {
  Asset: [
    { name: 'token', type: 'address' },
    { name: 'feed', type: 'address' },
    { name: 'symbol', type: 'string' },
    { name: 'decimals', type: 'uint8' },
    { name: 'feedDecimals', type: 'uint8' },
    { name: 'haircutBps', type: 'uint16' },
    { name: 'mmHaircutBps', type: 'uint16' },
    { name: 'imHaircutBps', type: 'uint16' },
    { name: 'routeBreakLossBps', type: 'uint16' },
  ],
  RegisterVault: [
    { name: 'chainId', type: 'uint64' },
    { name: 'vault', type: 'address' },
    { name: 'deploymentBlock', type: 'uint64' },
    { name: 'confirmations', type: 'uint16' },
    { name: 'transport', type: 'uint8' },
    { name: 'assets', type: 'Asset[]' },
    { name: 'nonce', type: 'uint256' },
    { name: 'deadline', type: 'uint256' },
  ],
} as const
