import { randomBytes } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import { getAccountView } from '@unimargin/aggregator'
import type { MarginConfig } from '@unimargin/chains'
import { createClient } from '@unimargin/client'
import { collateralBalances, commandTransitions, createDatabase, eq, liquidations, withdrawals } from '@unimargin/db'
import { ASSETS, type AssetSymbol, DEVNET_COSIGNER_THRESHOLD, type Devnet, userDeposit, userRequestWithdrawal, vaultBalance } from '@unimargin/devnet'
import { positionReportDomain, signPositionReport } from '@unimargin/protocol'
import Table from 'cli-table3'
import { tableStyle } from '../tableStyle.js'
import pino from 'pino'
import { type Address, getAddress, type Hex } from 'viem'
import { privateKeyToAccount, privateKeyToAddress } from 'viem/accounts'
import { devnetUp, untilSignal } from '../devnet/up.js'
import { createProgressPanel, type ProgressPanel, startProgress } from '../progress/index.js'
import { startNode } from '../runtime/node.js'
import { formatFixed, health, usd } from './format.js'
import { loadPricePath } from './prices.js'
import { createTimeline } from './timeline.js'

export type RunDemoParameters = {
  /** wall-clock ms per replayed hour of prices */
  paceMs: number
  apiPort: number
  basePort: number
  /** chain indexes (1-based) whose route carries commands over LayerZero v2 instead of Wormhole (default [3]) */
  layerZeroChains?: number[]
  /** the margin model the hub runs (default `portfolio`: the scenario-grid engine) */
  marginMode?: MarginConfig['mode']
  /** where the devnet cache, generated config and logs go (default `.unimargin`) */
  workDir?: string
  /** after the scenario, keep the chains, co-signers and node up until SIGINT/SIGTERM (default false) */
  keepRunning?: boolean
  print?: (line: string) => void
  /** the operators' API key the node accepts (the dashboard's account list needs one); default a random one, printed */
  operatorApiKey?: string
}

const ETH = 10n ** 18n
const usdc = (n: number) => BigInt(n) * 10n ** 6n

/**
 * The local demo: boots 3 anvil chains and every hub service on embedded PGlite, then plays the scenario of the
 * README on the real FTX-week prices and prints a timeline and a final table. Resolves to the process exit code:
 * 0 when every expected outcome happened, 1 otherwise (each miss is printed).
 */
export async function runDemo(parameters: RunDemoParameters): Promise<number> {
  // while a progress panel is drawn, lines are written above it
  let panel: ProgressPanel | undefined
  const print = parameters.print ?? ((line: string) => (panel ? panel.destination.write(`${line}\n`) : console.log(line)))
  const workDir = parameters.workDir ?? '.unimargin'
  mkdirSync(workDir, { recursive: true })
  const logger = pino({ level: process.env.LOG_LEVEL ?? 'info' }, pino.destination({ dest: `${workDir}/dev.log`, sync: true }))
  const path = loadPricePath()
  let hour = 0
  const marketTime = () => (path[hour]?.time.toISOString() ?? '').slice(0, 16).replace('T', ' ')

  print('Starting 3 local chains (anvil) with the Wormhole core, LayerZero EndpointV2/ULN302, tokens, price feeds, vaults and MarginHub…')
  const network = await devnetUp({
    basePort: parameters.basePort,
    coSignerBasePort: parameters.apiPort + 1,
    layerZeroChains: parameters.layerZeroChains ?? [3],
    workDir,
    marginMode: parameters.marginMode ?? 'portfolio',
    logger,
  })
  print(`Started ${network.devnet.keys.coSigners.length} co-signer processes (own watchers, valuation and PGlite each); MarginHub needs ${DEVNET_COSIGNER_THRESHOLD} of their signatures per command.`)
  const { devnet, config } = network
  const database = await createDatabase()
  const operatorApiKey = parameters.operatorApiKey ?? randomBytes(16).toString('hex')
  const apiConfig = { ...config.api, rateLimit: { ...config.api?.rateLimit, apiKeys: [...(config.api?.rateLimit?.apiKeys ?? []), operatorApiKey] } }
  const node = await startNode({ config: { ...config, api: apiConfig }, db: database.db, logger, apiPort: parameters.apiPort, aggregatorPollMs: 50 })
  const apiUrl = node.apiUrl ?? `http://127.0.0.1:${parameters.apiPort}`
  const api = createClient({ baseUrl: apiUrl })
  // the venue reports every position to the hub and to each co-signer, which value accounts on their own
  const coSignerApis = (config.coSigners?.urls ?? []).map((url) => createClient({ baseUrl: url }))
  const failures: string[] = []

  const [lpKey, aliceKey, bobKey, carolKey, daveKey] = devnet.keys.users as [Hex, Hex, Hex, Hex, Hex]
  const alice = privateKeyToAddress(aliceKey)
  const bob = privateKeyToAddress(bobKey)
  const carol = privateKeyToAddress(carolKey)
  const dave = privateKeyToAddress(daveKey)
  const receiver = privateKeyToAddress(devnet.keys.receiver)
  const names = new Map<string, string>([
    [privateKeyToAddress(lpKey), 'lp'],
    [alice, 'alice'],
    [bob, 'bob'],
    [carol, 'carol'],
    [dave, 'dave'],
    [receiver, 'liquidator'],
  ])
  const [c1, c2, c3] = devnet.chains.map((c) => c.chainId) as [number, number, number]
  const timeline = createTimeline({ db: database.db, config, names, marketTime, print })
  const ticker = setInterval(() => void timeline.flush().catch(() => {}), 150)

  const reporter = privateKeyToAccount(devnet.keys.reporter)
  const domain = positionReportDomain({ name: config.venue.domainName, chainId: config.hub.chainId, verifyingContract: config.hub.address })
  let sequence = 0n
  async function report(account: Address, market: string, size: bigint, entryPrice: bigint) {
    sequence += 1n
    const r = { account, market, size, entryPrice, sequence }
    const signature = await signPositionReport(reporter, r, domain)
    await Promise.all([api, ...coSignerApis].map((to) => to.reportPosition(r, signature)))
    print(`${' '.repeat(9)}${marketTime()}  venue    report  ${names.get(account)} ${market} ${formatFixed(size, 18, 2)} @ ${usd(entryPrice)} (EIP-712 signed, sequence ${sequence})`)
  }
  /** On a terminal, the node's progress (chains, outbox, routes) under `title` while the demo waits; removed after. */
  const showProgress = (title: () => string) => {
    if (!(parameters.print === undefined && process.stdout.isTTY) || panel) return { stop: async () => {} }
    const shown = createProgressPanel(process.stdout)
    panel = shown
    const reporter = startProgress({ db: database.db, config, logger, panel: shown, title })
    return {
      stop: async () => {
        await reporter.stop()
        shown.clear()
        panel = undefined
      },
    }
  }
  async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 45_000): Promise<T | undefined> {
    const started = Date.now()
    const deadline = started + timeoutMs
    const progress = showProgress(() => `… waiting for ${what} (${Math.floor((Date.now() - started) / 1000)}s)`)
    try {
      while (Date.now() < deadline) {
        const value = await probe().catch(() => undefined)
        if (value) return value
        await new Promise((r) => setTimeout(r, 100))
      }
    } finally {
      await progress.stop()
    }
    failures.push(`timed out waiting for ${what}`)
    print(`!! timed out waiting for ${what}`)
    return undefined
  }
  const view = (account: Address) => getAccountView(database.db, config, account)
  const isolatedConfig = { ...config, margin: { ...config.margin, mode: 'isolated' as const } }
  /** The spot-hedged account's IM under the hub's model next to what isolated margin would ask of the same book. */
  async function spotHedgeLine(account: Address): Promise<{ line: string; problem?: string }> {
    const [hub, isolated] = await Promise.all([view(account), getAccountView(database.db, isolatedConfig, account)])
    const im = BigInt(hub.imUsd8)
    const isolatedIm = BigInt(isolated.imUsd8)
    const held = hub.collateral.map((c) => `${formatFixed(BigInt(c.amount), c.decimals, 2)} ${ASSETS[c.symbol as AssetSymbol]?.tokenSymbol ?? c.symbol} on ${devnet.chain(c.chainId).name}${c.riskCancelling ? ' (risk-cancelling)' : ''}`).join(', ')
    const book = hub.positions.map((p) => `${p.market} ${formatFixed(BigInt(p.size), 18, 2)}`).join(', ')
    const ratio = im > 0n ? ` (${formatFixed((isolatedIm * 100n) / im, 2, 2)}× less)` : ''
    const line = `${names.get(account)} (spot-hedged: ${held}; ${book}): IM ${usd(im)} under ${config.margin.mode} margin; isolated margin would ask ${usd(isolatedIm)}${config.margin.mode === 'portfolio' ? ratio : ''}.`
    if (config.margin.mode === 'portfolio' && im >= isolatedIm) return { line, problem: `${names.get(account)}'s spot-hedged book needs ${usd(im)} of IM under portfolio margin, not less than isolated (${usd(isolatedIm)})` }
    return { line }
  }

  try {
    print(`Dashboard: ${apiUrl}/ui/ (its account list asks for the operator API key ${operatorApiKey})`)
    await setPrices(devnet, path[0]!)
    print(`Routes: ${devnet.chains.map((c) => `${c.name} over ${config.routes.find((r) => r.chainId === c.chainId)?.transport ?? 'wormhole'}`).join(', ')}`)
    print(`\nScenario on the FTX collapse, ${path.length} hourly ETH/BTC closes from ${marketTime()} UTC; one hour every ${parameters.paceMs} ms; margin model: ${config.margin.mode}.\n`)
    print(`${'time'.padStart(7)}  ${'market time (UTC)'.padEnd(16)}  ${'chain'.padEnd(8)} ${'block'.padStart(6)}  ${'event'.padEnd(72)} health before → after`)

    // Liquidity on every chain, so a vault can pay withdrawals covered by collateral elsewhere.
    await Promise.all([c1, c2, c3].map((chainId) => userDeposit(devnet, { chainId, key: lpKey, symbol: 'USDC', amount: usdc(250_000) })))

    // (a) alice: USDC on chain 1, WETH on chain 2, a hedged book (short ETH perp against her WETH).
    await userDeposit(devnet, { chainId: c1, key: aliceKey, symbol: 'USDC', amount: usdc(10_000) })
    await userDeposit(devnet, { chainId: c2, key: aliceKey, symbol: 'ETH', amount: 5n * ETH })
    // (b) bob: USDC on chain 2 and a small ETH long.
    await userDeposit(devnet, { chainId: c2, key: bobKey, symbol: 'USDC', amount: usdc(5_000) })
    // (c) carol: collateral split across chains 1 and 3, a leveraged ETH long.
    await userDeposit(devnet, { chainId: c1, key: carolKey, symbol: 'USDC', amount: usdc(3_000) })
    await userDeposit(devnet, { chainId: c3, key: carolKey, symbol: 'ETH', amount: 1n * ETH })
    // (d) dave: the basis trade, WETH on chain 2 only and the same amount of ETH perp short.
    await userDeposit(devnet, { chainId: c2, key: daveKey, symbol: 'ETH', amount: 5n * ETH })
    await waitFor('the deposits to be credited', async () => {
      const credited = await Promise.all([alice, carol, dave].map(async (a) => BigInt((await view(a)).collateralUsd8) > 0n))
      return credited.every(Boolean)
    })

    const eth0 = path[0]!.ethUsd8
    await report(alice, 'ETH-PERP', -5n * ETH, eth0)
    await report(bob, 'ETH-PERP', 2n * ETH, eth0)
    await report(carol, 'ETH-PERP', 10n * ETH, eth0)
    await report(dave, 'ETH-PERP', -5n * ETH, eth0)
    await timeline.flush()

    // (a) withdraw on chain 3, where alice holds nothing: only the unified account covers it.
    const aliceAsk = usdc(12_000)
    print(`\n-- alice asks for ${formatFixed(aliceAsk, 6)} USDC on chain-3, where she deposited nothing --`)
    const a = await userRequestWithdrawal(devnet, { chainId: c3, key: aliceKey, symbol: 'USDC', amount: aliceAsk })
    const aliceDone = await waitFor('alice\'s withdrawal to execute on chain-3', async () =>
      (await view(alice)).withdrawals.find((w) => w.chainId === c3 && BigInt(w.requestId) === a.requestId && w.state === 'executed'),
    )
    await timeline.flush()
    if (aliceDone) print(`   ✓ approved against collateral on chain-1 and chain-2 and paid out on chain-3`)

    // (a') a large withdrawal: at or above the vault's dualTransportAboveUsd, it must arrive over both transports.
    const lpAsk = usdc(60_000)
    const aboveUsd = config.chains.find((c) => c.chainId === c2)?.dualTransportAboveUsd
    print(`\n-- lp asks for ${formatFixed(lpAsk, 6)} USDC on chain-2, above its vault's ${aboveUsd === undefined ? '(unset)' : usd(BigInt(aboveUsd) * 10n ** 8n)} for two transports --`)
    const lpRequest = await userRequestWithdrawal(devnet, { chainId: c2, key: lpKey, symbol: 'USDC', amount: lpAsk })
    const lp = privateKeyToAddress(lpKey)
    const lpDone = await waitFor('lp\'s large withdrawal to execute on chain-2', async () =>
      (await view(lp)).withdrawals.find((w) => w.chainId === c2 && BigInt(w.requestId) === lpRequest.requestId && w.state === 'executed'),
    )
    await timeline.flush()
    if (lpDone) {
      const [w] = await database.db.select().from(withdrawals).where(eq(withdrawals.chainId, c2)).then((rows) => rows.filter((x) => x.requestId === lpRequest.requestId))
      const steps = w?.commandId ? await database.db.select().from(commandTransitions).where(eq(commandTransitions.commandId, w.commandId)).orderBy(commandTransitions.id) : []
      const heldAfter = steps.find((t) => t.toState === 'pending' && t.detail.held)?.detail.fallback
      const executedVia = steps.findLast((t) => t.toState === 'executed')?.detail.transport
      const first = steps.find((t) => t.toState === 'published')?.detail.transport
      if (heldAfter && executedVia && first && first !== executedVia)
        print(`   ✓ carried over both transports: the vault held the ${first} delivery and paid on the ${executedVia} one`)
      else failures.push(`lp's large withdrawal was not carried over both transports (published over ${String(first)}, executed over ${String(executedVia)})`)
    }

    // (b) bob asks for more than his free collateral.
    const bobAsk = usdc(6_000)
    print(`\n-- bob asks for ${formatFixed(bobAsk, 6)} USDC on chain-1 with ${usd((await view(bob)).freeCollateralUsd8)} of free collateral --`)
    const b = await userRequestWithdrawal(devnet, { chainId: c1, key: bobKey, symbol: 'USDC', amount: bobAsk })
    const bobDone = await waitFor('bob\'s rejection and escrow release', async () => {
      const w = (await view(bob)).withdrawals.find((x) => x.chainId === c1 && BigInt(x.requestId) === b.requestId)
      return w?.state === 'rejected' && w.commandState === 'executed' ? w : undefined
    })
    await timeline.flush()
    if (bobDone) print(`   ✓ rejected: ${bobDone.reason}`)

    // (c) the crash.
    print(`\n-- replaying the crash: ETH ${usd(path[0]!.ethUsd8)} → ${usd(path.reduce((m, p) => (p.ethUsd8 < m ? p.ethUsd8 : m), path[0]!.ethUsd8))} at the low --`)
    for (hour = 0; hour < path.length; hour++) {
      const started = Date.now()
      await setPrices(devnet, path[hour]!)
      if (hour % 12 === 0) {
        const v = await view(carol)
        timeline.noteHealth(carol, health(v.health))
        const worst = v.risk?.worstScenario ? `, worst scenario ${v.risk.worstScenario}` : ''
        print(`${' '.repeat(9)}${marketTime()}  oracle          ETH ${usd(path[hour]!.ethUsd8).padEnd(10)} BTC ${usd(path[hour]!.btcUsd8).padEnd(11)} carol equity ${usd(v.equityUsd8)}, MM ${usd(v.mmUsd8)}, health ${health(v.health)}${worst}`)
      }
      const rest = parameters.paceMs - (Date.now() - started)
      if (rest > 0) await new Promise((r) => setTimeout(r, rest))
    }
    hour = path.length - 1
    const settled = await waitFor('carol\'s liquidation to settle and unlock', async () => {
      const v = await view(carol)
      const rows = await database.db.select().from(liquidations)
      return rows.some((l) => l.state === 'settled') && v.lock.state === 'unlocked' ? rows : undefined
    }, 60_000)
    await timeline.flush()

    // Final table.
    print('\nFinal state (hub ledger; USD with 8-decimal precision, shown to the cent)')
    const accounts = new Table({ head: ['account', 'equity', 'IM', 'MM', 'health', 'collateral by chain (weighted)', 'positions', 'lock'], ...tableStyle() })
    for (const [address, name] of names) {
      const v = await view(address as Address)
      accounts.push([
        name,
        usd(v.equityUsd8),
        usd(v.imUsd8),
        usd(v.mmUsd8),
        health(v.health),
        v.collateralByChain.map((c) => `${devnet.chain(c.chainId).name} ${usd(c.weightedUsd8)}`).join('\n'),
        v.positions.map((p) => `${p.market} ${formatFixed(p.size, 18, 2)}`).join('\n') || '-',
        `${v.lock.state} (epoch ${v.lock.epoch})`,
      ])
    }
    print(accounts.toString())

    if (settled?.length) {
      const liq = new Table({ head: ['liquidation', 'debt', 'penalty', 'seized (where → to whom)', 'seized value', 'shortfall', 'insurance', 'socialised'], ...tableStyle() })
      for (const l of settled)
        liq.push([
          `${names.get(l.account) ?? l.account} epoch ${l.lockEpoch}`,
          usd(l.debt),
          usd(l.penalty),
          l.seizures
            .map((s) => {
              const asset = config.chains.find((c) => c.chainId === s.chainId)?.assets.find((x) => x.address === getAddress(s.asset))
              return `${devnet.chain(s.chainId).name}: ${formatFixed(s.amount, asset?.decimals ?? 0, 4)} ${asset?.symbol} → liquidator`
            })
            .join('\n'),
          usd(l.seizedValue),
          usd(l.shortfall),
          usd(l.insuranceCovered),
          usd(l.socializedLoss),
        ])
      print(liq.toString())
      const chainsSeized = new Set(settled.flatMap((l) => l.seizures.map((s) => s.chainId)))
      if (chainsSeized.size < 2) failures.push(`carol was seized on ${chainsSeized.size} chain(s), expected 2`)
    }

    // The vaults and the hub's ledger must agree, balance by balance.
    const ledger = await database.db.select().from(collateralBalances)
    let mismatches = 0
    for (const row of ledger) {
      const chain = devnet.chain(row.chainId)
      const symbol = (Object.entries(chain.addresses.tokens).find(([, t]) => t === row.asset)?.[0] ?? 'USDC') as 'USDC' | 'ETH' | 'BTC'
      const onChain = await vaultBalance(devnet, row.chainId, row.account as Address, symbol)
      if (onChain !== row.amount) {
        mismatches++
        failures.push(`ledger ${row.amount} ≠ vault ${onChain} for ${names.get(row.account) ?? row.account} ${symbol} on ${chain.name}`)
      }
    }
    const hedge = await spotHedgeLine(dave)
    print(`\n${hedge.line}`)
    if (hedge.problem) failures.push(hedge.problem)
    print(`\nVault balances vs hub ledger: ${ledger.length} balances compared, ${mismatches} mismatches.`)
    if (!aliceDone) failures.push('alice\'s cross-chain withdrawal did not execute')
    if (!lpDone) failures.push('lp\'s large withdrawal did not execute')
    if (!bobDone) failures.push('bob\'s over-withdrawal was not rejected')
    if (!settled) failures.push('carol was not liquidated')
    if (parameters.keepRunning) {
      const rpc = devnet.chains.map((c) => `${c.name} ${c.rpcUrl}`).join(', ')
      print(
        `\nKeeping everything running (--keep-running): chains ${rpc}; co-signers ${(config.coSigners?.urls ?? []).join(', ')}; node API ${node.apiUrl}; configuration ${network.configFile}.`,
      )
      print(`Try: unimargin status --api ${node.apiUrl}   or   unimargin account ${alice} --api ${node.apiUrl}. Ctrl-C stops everything.`)
      const progress = showProgress(() => 'Node running; Ctrl-C stops everything.')
      await untilSignal()
      await progress.stop()
    }
  } catch (error) {
    failures.push(`demo failed: ${(error as Error).stack ?? error}`)
  } finally {
    clearInterval(ticker)
    await node.stop()
    await database.close()
    await network.stop()
  }
  if (failures.length) {
    print(`\nDemo finished with ${failures.length} problem(s):\n${failures.map((f) => `  - ${f}`).join('\n')}\nLogs: ${workDir}/dev.log`)
    return 1
  }
  print(`\nDemo finished: every expected outcome happened. Logs: ${workDir}/dev.log, devnet config: ${workDir}/devnet.json`)
  return 0
}

async function setPrices(devnet: Devnet, point: { ethUsd8: bigint; btcUsd8: bigint }) {
  await Promise.all([devnet.setPrice('ETH', point.ethUsd8), devnet.setPrice('BTC', point.btcUsd8)])
}
