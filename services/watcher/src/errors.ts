/** The chain's block at the checkpoint height no longer has the stored hash: a reorg deeper than the finality depth. */
export class FinalityViolationError extends Error {
  override name = 'FinalityViolationError'
  constructor(
    readonly chainId: number,
    readonly blockNumber: bigint,
    readonly storedHash: string,
    readonly chainHash: string,
  ) {
    super(
      `Chain ${chainId} reorganised below its finality depth: block ${blockNumber} was ${storedHash} when written, now ${chainHash}. ` +
        'Ingestion of this chain is halted; raise its confirmations and rebuild from a block before the fork.',
    )
  }
}
