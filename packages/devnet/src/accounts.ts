import { bytesToHex, type Hex, keccak256, stringToBytes } from 'viem'
import { mnemonicToAccount } from 'viem/accounts'

/** anvil's default mnemonic; its first ten accounts are funded with 10 000 ETH on every devnet chain. */
export const ANVIL_MNEMONIC = 'test test test test test test test test test test test junk'

/** The standard Wormhole devnet guardian key (address 0xbeFA429d57cD18b7F8A4d91A2da9AB4AF05d0FBe). */
export const DEVNET_GUARDIAN_KEY: Hex = '0xcfb12303a19cde580bb4dd771639b0d26bc68353645571a8cff516ab2ee113a0'

/** Private keys of the devnet's roles, all anvil default accounts (funded). */
export interface DevnetKeys {
  /** account 0: deploys everything, owns the feeds; proposes and executes the owner calls of the vaults' and hub's
   * timelocks (which own them) */
  deployer: Hex
  /** account 1: the hub's publisher and the vaults' delivery sender */
  relayer: Hex
  /** account 2: signs venue position reports */
  reporter: Hex
  /** account 3: credited with seized collateral */
  receiver: Hex
  /** accounts 4..9: end users */
  users: Hex[]
  /** guardian private keys; index i is guardian i of set 0 */
  guardians: Hex[]
  /** account 10 (funded by the deploy): the vaults' guardian, which may pause them (not a Wormhole guardian) */
  vaultGuardian: Hex
  /** anvil accounts 11..13: MarginHub's co-signers (threshold {@link DEVNET_COSIGNER_THRESHOLD}); they send no transactions */
  coSigners: Hex[]
}

/** Co-signatures MarginHub needs per command on the devnet (2 of the 3 co-signers). */
export const DEVNET_COSIGNER_THRESHOLD = 2
/** Seconds MarginHub's timelock holds a co-signer set or publisher change on the devnet. */
export const DEVNET_COSIGNER_DELAY_SECONDS = 3600

/** The private key of anvil default account `index` (BIP-44 m/44'/60'/0'/0/index of {@link ANVIL_MNEMONIC}). */
export function anvilKey(index: number): Hex {
  const key = mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: index }).getHdKey().privateKey
  if (!key) throw new Error(`Could not derive anvil account ${index}`)
  return bytesToHex(key)
}

/**
 * Guardian keys: guardian 0 is {@link DEVNET_GUARDIAN_KEY}; guardian i > 0 is keccak256("unimargin-devnet-guardian-i")
 * (deterministic, so a cached state and its keys always match).
 */
export function guardianKeys(count: number): Hex[] {
  if (!Number.isInteger(count) || count < 1 || count > 19) throw new RangeError(`guardianCount must be 1..19, got ${count}`)
  return Array.from({ length: count }, (_, i) => (i === 0 ? DEVNET_GUARDIAN_KEY : keccak256(stringToBytes(`unimargin-devnet-guardian-${i}`))))
}

/** All role keys for a devnet with `guardianCount` guardians. */
export function devnetKeys(guardianCount: number): DevnetKeys {
  return {
    deployer: anvilKey(0),
    relayer: anvilKey(1),
    reporter: anvilKey(2),
    receiver: anvilKey(3),
    users: [4, 5, 6, 7, 8, 9].map(anvilKey),
    guardians: guardianKeys(guardianCount),
    vaultGuardian: anvilKey(10),
    coSigners: [11, 12, 13].map(anvilKey),
  }
}
