import { InvalidArgumentError } from 'commander'

/** The parts of a node `unimargin start --services` can run. */
export const NODE_SERVICES = ['watcher', 'aggregator', 'relayer', 'api'] as const
export type NodeService = (typeof NODE_SERVICES)[number]

/**
 * Parses `--services watcher,aggregator,relayer,api` (any non-empty subset, in any order).
 * @throws {InvalidArgumentError} naming an unknown service, or for an empty list
 */
export function parseServices(value: string): Record<NodeService, boolean> {
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
  const unknown = names.filter((n) => !(NODE_SERVICES as readonly string[]).includes(n))
  if (unknown.length > 0) throw new InvalidArgumentError(`unknown service ${unknown.map((u) => `'${u}'`).join(', ')}; the services are ${NODE_SERVICES.join(', ')}`)
  if (names.length === 0) throw new InvalidArgumentError(`name at least one of ${NODE_SERVICES.join(', ')}`)
  return Object.fromEntries(NODE_SERVICES.map((s) => [s, names.includes(s)])) as Record<NodeService, boolean>
}
