import { PassThrough } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { createStepProgress } from './steps.js'

describe('step progress off a terminal', () => {
  it('writes a line at most once per interval and always at the last step', () => {
    const stream = new PassThrough()
    let output = ''
    stream.on('data', (d: Buffer) => {
      output += d.toString()
    })
    let clock = 0
    const progress = createStepProgress({ unit: 'windows', stream, lineIntervalMs: 1_000, now: () => clock })
    progress.update(1, 4, 'ftx')
    clock = 500
    progress.update(2, 4, 'luna')
    clock = 1_200
    progress.update(3, 4, 'covid')
    clock = 1_300
    progress.update(4, 4, 'svb')
    progress.stop()
    expect(output.split('\n').filter(Boolean)).toEqual(['1/4 windows (25%) ftx', '3/4 windows (75%) covid', '4/4 windows (100%) svb'])
  })
})
