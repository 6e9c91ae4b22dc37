import { UnimarginError } from '@unimargin/errors'

/** Base class of every error the devnet throws; `details` holds the values involved. */
export class DevnetError extends UnimarginError {
  override name = 'DevnetError'
  constructor(
    message: string,
    readonly details: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

/** The anvil binary could not be found in node_modules. */
export class AnvilNotFoundError extends DevnetError {
  override name = 'AnvilNotFoundError'
}

/** A port the devnet needs is taken by another process. */
export class PortInUseError extends DevnetError {
  override name = 'PortInUseError'
  constructor(readonly port: number) {
    super(`Port ${port} on 127.0.0.1 is already in use; pick another basePort or stop the process holding it.`, { port })
  }
}

/** anvil exited before answering, or did not answer in time. */
export class AnvilStartError extends DevnetError {
  override name = 'AnvilStartError'
}

/** A deployment or setup transaction failed (the error of the deployment steps the devnet shares with `unimargin deploy`). */
export { DeployError } from '@unimargin/deploy'
