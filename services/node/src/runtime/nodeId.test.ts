import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { nodeIdFile, resolveNodeId } from './nodeId.js'

const made: string[] = []
const scratch = () => {
  const dir = mkdtempSync(join(tmpdir(), 'unimargin-node-id-'))
  made.push(dir)
  return dir
}
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true })
})

describe('resolveNodeId', () => {
  it('keeps the id it generated on first start for every later start from the same data dir', () => {
    const dataDir = join(scratch(), 'data')
    const first = resolveNodeId({ dataDir })
    expect(first).toMatchObject({ source: 'generated', id: expect.stringMatching(/^node-[0-9a-f]{12}$/) })
    expect(resolveNodeId({ dataDir })).toEqual({ id: first.id, source: 'file' })
    expect(readFileSync(nodeIdFile(dataDir), 'utf8').trim()).toBe(first.id)
  })

  it('gives each data dir its own id, kept beside the directory rather than in it', () => {
    const root = scratch()
    expect(nodeIdFile(`${root}/a/`)).toBe(`${root}/a.node-id`)
    expect(resolveNodeId({ dataDir: `${root}/a` }).id).not.toBe(resolveNodeId({ dataDir: `${root}/b` }).id)
  })

  it('prefers the configured id and writes nothing', () => {
    const dataDir = join(scratch(), 'data')
    expect(resolveNodeId({ configured: 'hub-eu-1', dataDir })).toEqual({ id: 'hub-eu-1', source: 'config' })
    expect(() => readFileSync(nodeIdFile(dataDir))).toThrow()
  })

  it('refuses a file that does not hold a node id, naming it', () => {
    const dataDir = join(scratch(), 'data')
    writeFileSync(nodeIdFile(dataDir), 'not a node id\n')
    expect(() => resolveNodeId({ dataDir })).toThrow(/data\.node-id does not hold a node id/)
  })
})
