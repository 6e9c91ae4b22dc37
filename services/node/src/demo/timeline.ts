import { getAccountView } from '@unimargin/aggregator'
import type { Config } from '@unimargin/chains'
import { and, asc, chainEvents, commands, commandTransitions, type Db, eq, gt, isNotNull, withdrawals } from '@unimargin/db'
import type { Address } from 'viem'
import { formatFixed, health } from './format.js'

export type TimelineParameters = {
  db: Db
  config: Config
  /** display names by checksummed address */
  names: Map<string, string>
  /** the replayed market time to show beside each line */
  marketTime: () => string
  print: (line: string) => void
}

/**
 * Prints what happened, in the order the hub saw it: processed vault events (with the account's health before →
 * after) and command decisions and executions. Price updates are left to the caller (one line per replayed hour
 * would drown the rest).
 */
export function createTimeline(p: TimelineParameters) {
  const { db, config, names, print } = p
  const started = Date.now()
  let eventCursor = 0n
  let transitionCursor = 0n
  const lastHealth = new Map<string, string>()
  const transports = new Map<string, string>()
  /** the transports that delivered a command before the one that executed it (held by the vault above its size) */
  const heldOver = new Map<string, string[]>()
  const chainName = (chainId: number) => config.chains.find((c) => c.chainId === chainId)?.name ?? `chain ${chainId}`
  const who = (address: unknown) => names.get(String(address)) ?? String(address).slice(0, 10)
  const asset = (chainId: number, address: unknown) => {
    const a = config.chains.find((c) => c.chainId === chainId)?.assets.find((x) => x.address === address)
    return a ?? { symbol: String(address).slice(0, 8), decimals: 0 }
  }
  const amount = (chainId: number, token: unknown, value: unknown) => {
    const a = asset(chainId, token)
    return `${formatFixed(String(value), a.decimals, a.decimals === 6 ? 2 : 4)} ${a.symbol}`
  }
  const line = (chain: string, block: string, what: string, health = '') =>
    print(`${`+${((Date.now() - started) / 1000).toFixed(1)}s`.padStart(7)}  ${p.marketTime()}  ${chain.padEnd(8)} ${block.padStart(6)}  ${what.padEnd(72)} ${health}`)

  async function healthChange(account: string): Promise<string> {
    if (!names.has(account)) return ''
    const view = await getAccountView(db, config, account as Address)
    const after = health(view.health)
    const before = lastHealth.get(account) ?? '∞'
    lastHealth.set(account, after)
    return `health ${before} → ${after}`
  }

  function describeEvent(e: typeof chainEvents.$inferSelect): { account?: string; text: string } | undefined {
    const a = e.args
    switch (e.eventName) {
      case 'Deposited':
        return { account: String(a.account), text: `Deposited            ${who(a.account)} +${amount(e.chainId, a.asset, a.amount)}` }
      case 'WithdrawalRequested':
        return { account: String(a.account), text: `WithdrawalRequested  ${who(a.account)} ${amount(e.chainId, a.asset, a.amount)} (request #${a.requestId})` }
      case 'WithdrawalExecuted':
        return { account: String(a.account), text: `WithdrawalExecuted   ${who(a.account)} paid ${amount(e.chainId, a.asset, a.amount)} to ${who(a.recipient)}` }
      case 'WithdrawalRejected':
        return { account: String(a.account), text: `WithdrawalRejected   ${who(a.account)} escrow of ${amount(e.chainId, a.asset, a.amount)} released` }
      case 'AccountLocked':
        return { account: String(a.account), text: `AccountLocked        ${who(a.account)} at lock epoch ${a.epoch}` }
      case 'AccountUnlocked':
        return { account: String(a.account), text: `AccountUnlocked      ${who(a.account)} at lock epoch ${a.epoch}` }
      case 'Seized':
        return { account: String(a.account), text: `Seized               ${who(a.account)} ${amount(e.chainId, a.asset, a.amount)} → ${who(a.receiver)}` }
      default:
        return undefined
    }
  }

  /** Prints everything new since the last call. */
  async function flush(): Promise<void> {
    const events = await db
      .select()
      .from(chainEvents)
      .where(and(gt(chainEvents.id, eventCursor), isNotNull(chainEvents.processedAt)))
      .orderBy(asc(chainEvents.id))
    for (const e of events) {
      eventCursor = e.id
      const d = describeEvent(e)
      if (!d) continue
      line(chainName(e.chainId), `#${e.blockNumber}`, d.text, d.account ? await healthChange(d.account) : '')
    }
    const transitions = await db
      .select({ t: commandTransitions, c: commands })
      .from(commandTransitions)
      .innerJoin(commands, eq(commands.id, commandTransitions.commandId))
      .where(gt(commandTransitions.id, transitionCursor))
      .orderBy(asc(commandTransitions.id))
    for (const { t, c } of transitions) {
      transitionCursor = t.id
      const target = `${c.kind} → ${chainName(c.destChainId)}`
      const held = t.detail.held as { transport?: string } | undefined
      if (t.toState === 'pending' && held) {
        heldOver.set(c.id, [...(heldOver.get(c.id) ?? []), String(held.transport)])
        line(chainName(c.destChainId), '', `Held ${c.kind} for ${who(c.account)} after ${held.transport}: ${String(t.detail.fallback)} must deliver it too`)
      } else if (t.toState === 'pending' && t.detail.dual) {
        line('relayer', '', `Carrying ${target} for ${who(c.account)} over both transports: above the vault's size`)
      } else if (t.toState === 'pending' && t.detail.fallback) {
        line('relayer', '', `Re-sent ${target} for ${who(c.account)} over ${String(t.detail.fallback)} (${String(t.detail.reason)})`)
      } else if (t.toState === 'pending') {
        line('hub', '', `Decided ${target} for ${who(c.account)}`, c.kind === 'Lock' ? await healthChange(c.account) : '')
        if (c.kind === 'RejectWithdrawal') {
          const [, chainId, requestId] = c.cause.split(':')
          const [w] = await db
            .select()
            .from(withdrawals)
            .where(and(eq(withdrawals.chainId, Number(chainId)), eq(withdrawals.requestId, BigInt(requestId ?? 0))))
          if (w?.reason) print(`${' '.repeat(33)}reason: ${w.reason}${w.limit !== null ? ` (limit ${amount(w.chainId, w.asset, w.limit)})` : ''}`)
        }
      } else if (t.toState === 'published') {
        transports.set(c.id, typeof t.detail.transport === 'string' ? t.detail.transport : 'wormhole')
      } else if (t.toState === 'executed') {
        const took = ((t.at.getTime() - c.createdAt.getTime()) / 1000).toFixed(1)
        const via = [...(heldOver.get(c.id) ?? []), transports.get(c.id) ?? 'wormhole'].join(' + ')
        line(chainName(c.destChainId), '', `Executed ${c.kind} for ${who(c.account)} via ${via} (${c.outcome ?? 'applied'}, ${took}s after decision)`)
      } else if (t.toState === 'cancelled') {
        line('hub', '', `Cancelled ${target} for ${who(c.account)}: ${String(t.detail.reason ?? 'no longer needed')}`)
      } else if (t.toState === 'dead') {
        line('relayer', '', `Dead-lettered ${target} for ${who(c.account)}: ${c.lastError}`)
      }
    }
  }

  /** Records an account's health shown elsewhere (e.g. on an oracle line) as the next "before". */
  function noteHealth(account: string, value: string) {
    lastHealth.set(account, value)
  }

  return { flush, noteHealth }
}
