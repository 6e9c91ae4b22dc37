import { randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'

/** What a node id may be (as config `node.id` checks it): 1-64 letters, digits, dots, dashes or underscores. */
const NODE_ID = /^[A-Za-z0-9._-]{1,64}$/

/**
 * Where a node without `node.id` in its config keeps its generated id: the file `<data dir>.node-id` beside the data
 * directory, never inside it (PGlite will not create a database in a directory that holds a file, and the data dir
 * of a node on PostgreSQL may not exist), so each data dir has its own id.
 * @example nodeIdFile('.unimargin/data') // → '/abs/path/.unimargin/data.node-id'
 */
export function nodeIdFile(dataDir: string): string {
  return `${resolve(dataDir)}.node-id`
}

export type ResolveNodeIdParameters = {
  /** config `node.id`, used when set */
  configured?: string | undefined
  /** the node's `--data-dir`; its id file is {@link nodeIdFile} */
  dataDir: string
}

/**
 * The node's stable id, which the relayer claims outbox commands under: `configured` when set, else the id in
 * {@link nodeIdFile}, generated (`node-` and 12 random hex digits) and written there on the node's first start.
 * Two nodes on one database must not share it: give each its own data dir, or its own `node.id`.
 * @returns the id and where it came from.
 * @throws Error naming the file when it cannot be read or written, or holds something that is not a node id.
 * @example const { id } = resolveNodeId({ configured: config.node?.id, dataDir: '.unimargin/data' })
 */
export function resolveNodeId(parameters: ResolveNodeIdParameters): { id: string; source: 'config' | 'file' | 'generated' } {
  if (parameters.configured !== undefined) return { id: parameters.configured, source: 'config' }
  const file = nodeIdFile(parameters.dataDir)
  const generated = `node-${randomBytes(6).toString('hex')}`
  mkdirSync(dirname(file), { recursive: true })
  try {
    writeFileSync(file, `${generated}\n`, { flag: 'wx' })
    return { id: generated, source: 'generated' }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw new Error(`Could not write the node id to ${file}: ${(error as Error).message}`)
  }
  const id = readFileSync(file, 'utf8').trim()
  if (!NODE_ID.test(id)) throw new Error(`${file} does not hold a node id (1-64 letters, digits, dots, dashes or underscores): fix or delete it.`)
  return { id, source: 'file' }
}
