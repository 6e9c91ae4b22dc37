import { UnimarginError } from '@unimargin/errors'

/**
 * Ingestion of a chain stopped on purpose: what the providers returned cannot be trusted, so nothing more of this
 * chain is credited until an operator has looked. Recorded in the chain's checkpoint row (`halted_reason`) so `/ready`
 * shows it from any process; other chains keep going.
 */
export class ChainHaltError extends UnimarginError {
  override name = 'ChainHaltError'
}

/** The chain's block at the checkpoint height no longer has the stored hash: a reorg deeper than the finality depth. */
export class FinalityViolationError extends ChainHaltError {
  override name = 'FinalityViolationError'
  constructor(
    readonly chainId: number,
    readonly blockNumber: bigint,
    readonly storedHash: string,
    readonly chainHash: string,
  ) {
    super(
      `Chain ${chainId} reorganised below its finality depth: block ${blockNumber} was ${storedHash} when written, now ${chainHash}. ` +
        'Ingestion of this chain is halted; review it, raise its confirmations, then run `unimargin chains resume ' + chainId + '`; the running node then ingests it again from the fork block.',
    )
  }
}

/** What one group of providers answered for a block range: the same block hash at its end and the same logs. */
export type QuorumAnswer = { providers: string[]; toBlockHash: string; logCount: number }

/**
 * Enough providers answered a block range, but no `quorum` of them agree on its end block's hash and its logs: one
 * of them lies (forged or withheld logs, a private fork) or lags badly. Halts the chain; nothing of the range is
 * written.
 */
export class QuorumDisagreementError extends ChainHaltError {
  override name = 'QuorumDisagreementError'
  constructor(
    readonly chainId: number,
    readonly fromBlock: bigint,
    readonly toBlock: bigint,
    readonly quorum: number,
    readonly answers: QuorumAnswer[],
  ) {
    super(
      `Chain ${chainId}: no ${quorum} providers agree on blocks ${fromBlock}-${toBlock} (${answers
        .map((a) => `${a.providers.join(' + ')}: end ${a.toBlockHash.slice(0, 10)}…, ${a.logCount} logs`)
        .join('; ')}). Ingestion of this chain is halted and nothing of the range was credited.`,
    )
  }
}

/** Fewer providers than the quorum answered a range (errors, timeouts, a head behind the range): retried, not a halt. */
export class QuorumUnavailableError extends UnimarginError {
  override name = 'QuorumUnavailableError'
  /** the RPC providers may answer again */
  override readonly retryable = true
  constructor(
    readonly chainId: number,
    readonly answered: number,
    readonly quorum: number,
    readonly errors: string[],
  ) {
    super(`Chain ${chainId}: only ${answered} of the ${quorum} providers needed answered (${errors.join('; ')}).`)
  }
}

/**
 * The providers answered a range from different branches (different end blocks) and no branch has `quorum` of them:
 * a reorg that has not reached every provider yet. Retried, not a halt: the next poll reads again, and the watcher's
 * own reorg checks deal with the new branch once a quorum serves it. (Providers that agree on the end block but not on
 * its logs are a {@link QuorumDisagreementError}, which halts.) A provider serving a branch of its own for good keeps
 * the chain from advancing without crediting anything, which shows as lag.
 */
export class QuorumSplitError extends UnimarginError {
  override name = 'QuorumSplitError'
  /** the providers converge once the reorg has reached them */
  override readonly retryable = true
  constructor(
    readonly chainId: number,
    readonly fromBlock: bigint,
    readonly toBlock: bigint,
    readonly quorum: number,
    readonly answers: QuorumAnswer[],
  ) {
    super(
      `Chain ${chainId}: the providers are on different branches at blocks ${fromBlock}-${toBlock}, none served by ${quorum} (${answers
        .map((a) => `${a.providers.join(' + ')}: end ${a.toBlockHash.slice(0, 10)}…`)
        .join('; ')}); reading again.`,
    )
  }
}
