import { readFileSync } from 'node:fs'
import { beforeAll, describe, expect, it } from 'vitest'
import { apiDocument, CLIENT_TYPES_FILE, renderClientTypes } from '../../scripts/clientTypes.js'

describe("@unimargin/client's generated types", () => {
  let document: Record<string, unknown>
  beforeAll(async () => {
    document = await apiDocument()
  })

  it('match the OpenAPI document createApi serves (regenerate with `pnpm --filter @unimargin/aggregator generate:client`)', async () => {
    expect(readFileSync(CLIENT_TYPES_FILE, 'utf8')).toBe(await renderClientTypes(document))
  })

  it('no longer match once a route is missing from the document', async () => {
    const { '/v1/prices': _removed, ...paths } = document.paths as Record<string, unknown>
    expect(readFileSync(CLIENT_TYPES_FILE, 'utf8')).not.toBe(await renderClientTypes({ ...document, paths }))
  })
})
