import { UnimarginError } from '@unimargin/errors'

/** Thrown when no node answers at the API URL an operator command was given (not running, wrong port or host). */
export class NodeUnreachableError extends UnimarginError {
  override name = 'NodeUnreachableError'
  /** the node may come up */
  override readonly retryable = true
}

/**
 * GETs `path` from a running node's API.
 * @throws {NodeUnreachableError} when the connection fails, naming the URL and the reason (e.g. ECONNREFUSED)
 */
export async function fetchNode(api: string, path: string): Promise<Response> {
  const url = new URL(path, api)
  try {
    return await fetch(url)
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause
    const reason = cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error))
    throw new NodeUnreachableError(`No node answers at ${url.origin} (${reason}); is it running, and is --api right?`, { cause: error })
  }
}
