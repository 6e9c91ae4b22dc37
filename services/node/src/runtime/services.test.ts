import { InvalidArgumentError } from 'commander'
import { describe, expect, it } from 'vitest'
import { parseServices } from './services.js'

describe('parseServices', () => {
  it('takes any subset of the services in any order', () => {
    expect(parseServices('api, watcher')).toEqual({ watcher: true, aggregator: false, relayer: false, api: true })
    expect(parseServices('watcher,aggregator,relayer,api')).toEqual({ watcher: true, aggregator: true, relayer: true, api: true })
  })

  it('refuses an unknown service by name, and an empty list', () => {
    expect(() => parseServices('watcher,relayers')).toThrow(InvalidArgumentError)
    expect(() => parseServices('watcher,relayers')).toThrow("unknown service 'relayers'; the services are watcher, aggregator, relayer, api")
    expect(() => parseServices(' , ')).toThrow(/at least one/)
  })
})
