import { accounts, chainCheckpoints, chainEvents, commands, commandTransitions, type Database, insuranceFund, liquidations, testDatabases } from '@unimargin/db'
import { Registry } from 'prom-client'
import type { Hex } from 'viem'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { A, addr, B, C, testConfig } from '../test-utils.js'
import { registerNodeMetrics } from './nodeMetrics.js'

const t0 = new Date('2026-01-01T00:00:00Z')
const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000)

/** The value of one series in Prometheus' text format, or undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `))
  return line === undefined ? undefined : Number(line.slice(series.length + 1))
}

describe.each(testDatabases())('node metrics on $kind', ({ open }) => {
  let database: Database
  beforeEach(async () => {
    database = await open()
  })
  afterEach(async () => {
    await database.close()
  })

  const setup = (nowSeconds: { value: number }) => {
    const registry = new Registry()
    registerNodeMetrics({ registry, db: database.db, config: testConfig(), now: () => at(nowSeconds.value), processMetrics: false })
    return registry
  }

  it('report per chain the head, the checkpoint, the lag, the ages and a halt, labelled by chain name', async () => {
    const clock = { value: 100 }
    const registry = setup(clock)
    await database.db.insert(chainCheckpoints).values([
      { chainId: A, blockNumber: 90n, blockHash: '0x01', headBlock: 95n, headSeenAt: at(70), updatedAt: at(40) },
      { chainId: B, blockNumber: 10n, blockHash: '0x02', headBlock: 10n, headSeenAt: at(100), updatedAt: at(100), haltedReason: 'reorg below finality', haltedAt: at(90) },
    ])
    const text = await registry.metrics()
    expect(sample(text, 'unimargin_chain_head_block{chain="chain-1001"}')).toBe(95)
    expect(sample(text, 'unimargin_chain_checkpoint_block{chain="chain-1001"}')).toBe(90)
    expect(sample(text, 'unimargin_chain_lag_blocks{chain="chain-1001"}')).toBe(5)
    expect(sample(text, 'unimargin_chain_head_age_seconds{chain="chain-1001"}')).toBe(30)
    expect(sample(text, 'unimargin_chain_checkpoint_age_seconds{chain="chain-1001"}')).toBe(60)
    expect(sample(text, 'unimargin_chain_halted{chain="chain-1001"}')).toBe(0)
    expect(sample(text, 'unimargin_chain_halted{chain="chain-1002"}')).toBe(1)
    // a chain without a checkpoint has no chain series yet, and no URL ever appears in a label
    expect(sample(text, 'unimargin_chain_head_block{chain="chain-1003"}')).toBeUndefined()
    expect(text).not.toContain('http')
  })

  it('report unprocessed events and the age of the oldest per chain, zero for chains with none', async () => {
    const clock = { value: 100 }
    const registry = setup(clock)
    const event = (logIndex: number, observedAt: Date, processedAt: Date | null) => ({
      chainId: A,
      blockNumber: 5n,
      blockHash: '0xaa' as Hex,
      blockTimestamp: 1n,
      txHash: '0xbb' as Hex,
      logIndex,
      address: addr(1),
      eventName: 'Deposited',
      args: {},
      observedAt,
      processedAt,
    })
    await database.db.insert(chainEvents).values([event(0, at(20), at(21)), event(1, at(60), null), event(2, at(80), null)])
    const text = await registry.metrics()
    expect(sample(text, 'unimargin_events_unprocessed{chain="chain-1001"}')).toBe(2)
    expect(sample(text, 'unimargin_event_processing_lag_seconds{chain="chain-1001"}')).toBe(40)
    expect(sample(text, 'unimargin_events_unprocessed{chain="chain-1003"}')).toBe(0)
    expect(sample(text, 'unimargin_event_processing_lag_seconds{chain="chain-1003"}')).toBe(0)
  })

  it('report accounts by lock state, liquidations, losses in USD and the insurance fund', async () => {
    const registry = setup({ value: 0 })
    await database.db.insert(accounts).values([
      { address: addr(0xa1), lockState: 'unlocked' },
      { address: addr(0xa2), lockState: 'unlocked' },
      { address: addr(0xa3), lockState: 'locked' },
    ])
    const liquidation = { lockEpoch: 1, debt: 0n, penalty: 0n, seizures: [], seizedValue: 0n, closedPositions: [] }
    await database.db.insert(liquidations).values([
      { ...liquidation, account: addr(0xa3), state: 'settled', shortfall: 250_00000000n, insuranceCovered: 200_00000000n, socializedLoss: 50_00000000n },
      { ...liquidation, account: addr(0xa4), state: 'seizing' },
    ])
    await database.db.insert(insuranceFund).values({ id: 1, balance: 1_234_50000000n })
    const text = await registry.metrics()
    expect(sample(text, 'unimargin_accounts{lock_state="unlocked"}')).toBe(2)
    expect(sample(text, 'unimargin_accounts{lock_state="locked"}')).toBe(1)
    expect(sample(text, 'unimargin_liquidations{state="settled"}')).toBe(1)
    expect(sample(text, 'unimargin_liquidations{state="seizing"}')).toBe(1)
    expect(sample(text, 'unimargin_shortfall_usd')).toBe(250)
    expect(sample(text, 'unimargin_socialized_loss_usd')).toBe(50)
    expect(sample(text, 'unimargin_insurance_fund_usd')).toBe(1234.5)
  })

  it('count commands by state, kind, chain and transport, and time deliveries executed after the first scrape', async () => {
    const registry = setup({ value: 0 })
    const command = (id: Hex, destChainId: number, state: 'pending' | 'executed' | 'dead', createdAt: Date) => ({
      id,
      kind: 'Lock',
      account: addr(0xa1),
      destChainId,
      vault: addr(0xfe),
      payload: '0x00' as Hex,
      expiry: 0n,
      state,
      cause: 'test',
      createdAt,
    })
    await database.db.insert(commands).values([command('0x01', A, 'executed', at(0)), command('0x02', B, 'dead', at(0)), command('0x03', C, 'pending', at(0))])
    await database.db.insert(commandTransitions).values({ commandId: '0x01', fromState: 'delivered', toState: 'executed', at: at(4) })
    const first = await registry.metrics()
    expect(sample(first, 'unimargin_commands{state="executed",kind="Lock",chain="chain-1001",transport="wormhole"}')).toBe(1)
    expect(sample(first, 'unimargin_commands{state="dead",kind="Lock",chain="chain-1002",transport="wormhole"}')).toBe(1)
    // executions before the first scrape are history, not observations
    expect(sample(first, 'unimargin_command_delivery_seconds_count{chain="chain-1001",transport="wormhole"}')).toBeUndefined()
    // before any sample a route's assumed p99 is its seed: hub finality + attestation + one destination block
    expect(sample(first, 'unimargin_route_latency_assumed_p99_seconds{chain="chain-1001",transport="wormhole"}')).toBeGreaterThan(0)

    await database.db.insert(commands).values([command('0x04', A, 'executed', at(10)), command('0x05', A, 'executed', at(10))])
    // latency counts from publication, as the safety buffers measure a route; one never recorded as published is left out
    await database.db.insert(commandTransitions).values([
      { commandId: '0x04', fromState: 'pending', toState: 'published', at: at(11) },
      { commandId: '0x04', fromState: 'delivered', toState: 'executed', at: at(18) },
      { commandId: '0x05', fromState: 'delivered', toState: 'executed', at: at(19) },
    ])
    await new Promise((r) => setTimeout(r, 600))
    const second = await registry.metrics()
    expect(sample(second, 'unimargin_command_delivery_seconds_count{chain="chain-1001",transport="wormhole"}')).toBe(1)
    expect(sample(second, 'unimargin_command_delivery_seconds_sum{chain="chain-1001",transport="wormhole"}')).toBe(7)
    expect(sample(second, 'unimargin_command_delivery_seconds_bucket{le="5",chain="chain-1001",transport="wormhole"}')).toBe(0)
    expect(sample(second, 'unimargin_command_delivery_seconds_bucket{le="10",chain="chain-1001",transport="wormhole"}')).toBe(1)
    // observed once: a later scrape does not count it again
    await new Promise((r) => setTimeout(r, 600))
    expect(sample(await registry.metrics(), 'unimargin_command_delivery_seconds_count{chain="chain-1001",transport="wormhole"}')).toBe(1)
  })
})
