import { Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { createNodeLogger } from './logger.js'

/** A destination collecting what is written, a terminal or not. */
function sink(isTTY: boolean) {
  const chunks: string[] = []
  const stream = Object.assign(
    new Writable({
      write(chunk, _encoding, done) {
        chunks.push(String(chunk))
        done()
      },
    }),
    { isTTY },
  )
  return { stream, text: () => chunks.join('') }
}

describe('the node logger', () => {
  it('writes readable lines on a terminal, without colour codes when colour is off', () => {
    const out = sink(true)
    createNodeLogger({ destination: out.stream, colorize: false }).child({ service: 'watcher' }).info({ chain_id: 31337 }, 'Ingested range')
    expect(out.text()).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: \(watcher\) Ingested range\n\s+chain_id: 31337/)
    expect(out.text()).not.toContain('\u001b[')
  })

  it('colours level names when asked', () => {
    const out = sink(true)
    createNodeLogger({ destination: out.stream, colorize: true }).warn('Refused')
    expect(out.text()).toContain('\u001b[')
  })

  it('writes JSON lines where the destination is not a terminal, or when JSON is asked for', () => {
    for (const out of [sink(false), sink(true)]) {
      createNodeLogger({ destination: out.stream, ...(out.stream.isTTY ? { format: 'json' as const } : {}) }).info({ chain_id: 1 }, 'Started node')
      expect(JSON.parse(out.text())).toMatchObject({ level: 30, msg: 'Started node', chain_id: 1 })
    }
  })

  it('keeps the level asked for', () => {
    const out = sink(false)
    const logger = createNodeLogger({ destination: out.stream, level: 'warn' })
    logger.info('hidden')
    logger.warn('shown')
    expect(out.text()).not.toContain('hidden')
    expect(out.text()).toContain('shown')
  })
})
