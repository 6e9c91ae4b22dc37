export {
  ANVIL_MNEMONIC,
  anvilKey,
  DEVNET_COSIGNER_DELAY_SECONDS,
  DEVNET_COSIGNER_THRESHOLD,
  DEVNET_GUARDIAN_KEY,
  type DevnetKeys,
  devnetKeys,
  guardianKeys,
} from './accounts.js'
export { anvilBinary } from './anvil/index.js'
export { type BaseChain, type BaseNetwork, startBaseNetwork } from './base.js'
export { DEVNET_INSURANCE_FUND_USD8 } from './config.js'
export { ASSET_SYMBOLS, ASSETS, type AssetSymbol, type ChainAddresses, DEVNET_ESCAPE_DELAY_SECONDS, DEVNET_TIMELOCK_DELAY_SECONDS, FEED_DECIMALS, haircutBps } from './deploy/index.js'
export { type Devnet, type DevnetChain, type DevnetOptions, startDevnet } from './devnet.js'
export { AnvilNotFoundError, AnvilStartError, DeployError, DevnetError, PortInUseError } from './errors.js'
export { type UserDepositParameters, type UserWithdrawalParameters, userDeposit, userRequestWithdrawal, vaultBalance } from './actions.js'
export { executeOwnerCall, type OwnerCall, type ScheduledCall, scheduleOwnerCall, type TimelockChain, throughTimelock } from './timelock.js'
