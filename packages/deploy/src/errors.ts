import { UnimarginError } from '@unimargin/errors'

/** A deployment or wiring transaction failed, or what is on-chain cannot be reconciled with the deployment spec. */
export class DeployError extends UnimarginError {
  override name = 'DeployError'
  constructor(
    message: string,
    /** the values involved (transaction hash, chain id, addresses) */
    readonly details: Record<string, unknown> = {},
    options?: { cause?: unknown; metaMessages?: string[] },
  ) {
    super(message, options)
  }
}

/** The deployment spec is invalid; every problem is listed with its path (`chains[arbitrum].vault.assets[USDC]`). */
export class DeploymentSpecError extends UnimarginError {
  override name = 'DeploymentSpecError'
  constructor(
    readonly issues: { path: string; message: string }[],
    /** the file the spec came from, when known */
    readonly source?: string,
  ) {
    super(`Invalid deployment spec${source ? ` in ${source}` : ''}:\n${issues.map((i) => `  - ${i.path}: ${i.message}`).join('\n')}`)
  }
}
