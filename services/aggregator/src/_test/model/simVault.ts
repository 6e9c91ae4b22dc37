import { type Command, CommandKind, commandOutcomes, decodeCommand } from '@unimargin/protocol'
import type { Address, Hex } from 'viem'

/** A vault event as the watcher stores it: the event name and its arguments (bigints as decimal strings). */
export type VaultEvent = { name: string; args: Record<string, string> }

export type SimRequest = {
  requestId: bigint
  account: Address
  asset: Address
  amount: bigint
  status: 'pending' | 'executed' | 'rejected' | 'cancelled'
  /** unix seconds of the request */
  requestedAt: bigint
}

type Outcome = (typeof commandOutcomes)[number]
const code = (outcome: Outcome) => commandOutcomes.indexOf(outcome)
const key = (account: string, asset: string) => `${account.toLowerCase()}|${asset.toLowerCase()}`

/**
 * The custody rules of `contracts/src/MarginVault.sol`, played in memory for the hub's model-based test: signed
 * free balances, withdrawal escrow, lock epochs, and hub commands executed once per command id with the
 * vault's outcomes. Every state change returns the events the contract would emit, in order.
 */
export class SimVault {
  readonly balances = new Map<string, bigint>()
  readonly requests = new Map<bigint, SimRequest>()
  readonly locks = new Map<string, { locked: boolean; epoch: number }>()
  /** the vault's token holdings per asset, base units */
  readonly holdings = new Map<string, bigint>()
  /** command id → outcome of its one execution */
  readonly executed = new Map<Hex, Outcome>()
  private nextRequestId = 1n

  constructor(
    readonly chainId: number,
    readonly requestTimeoutSeconds: bigint,
  ) {}

  balanceOf(account: string, asset: string): bigint {
    return this.balances.get(key(account, asset)) ?? 0n
  }

  lockOf(account: string): { locked: boolean; epoch: number } {
    return this.locks.get(account.toLowerCase()) ?? { locked: false, epoch: 0 }
  }

  deposit(account: Address, asset: Address, amount: bigint): VaultEvent[] {
    this.add(account, asset, amount)
    this.holdings.set(asset.toLowerCase(), (this.holdings.get(asset.toLowerCase()) ?? 0n) + amount)
    return [{ name: 'Deposited', args: { account, asset, amount: amount.toString(), depositor: account } }]
  }

  /** @returns the request and its event, or undefined where the contract reverts (locked account, zero amount) */
  requestWithdrawal(account: Address, asset: Address, amount: bigint, now: bigint): { request: SimRequest; events: VaultEvent[] } | undefined {
    if (this.lockOf(account).locked || amount === 0n) return undefined
    this.add(account, asset, -amount)
    const request: SimRequest = { requestId: this.nextRequestId++, account, asset, amount, status: 'pending', requestedAt: now }
    this.requests.set(request.requestId, request)
    const args = { requestId: request.requestId.toString(), account, asset, amount: amount.toString(), recipient: account }
    return { request, events: [{ name: 'WithdrawalRequested', args }] }
  }

  /** @returns the events, or undefined where the contract reverts (not pending, too early) */
  cancelWithdrawal(requestId: bigint, now: bigint): VaultEvent[] | undefined {
    const r = this.requests.get(requestId)
    if (r?.status !== 'pending' || now < r.requestedAt + this.requestTimeoutSeconds) return undefined
    r.status = 'cancelled'
    this.add(r.account, r.asset, r.amount)
    return [{ name: 'WithdrawalCancelled', args: { requestId: r.requestId.toString(), account: r.account, asset: r.asset, amount: r.amount.toString() } }]
  }

  /**
   * Executes a hub command carried by any transport. A command id already executed is refused as a replay (the
   * contract reverts), so a second arrival over the other transport changes nothing; so is one past its expiry.
   * @param now the block timestamp, unix s
   * @returns the events, or undefined where the contract reverts.
   */
  execute(id: Hex, payload: Hex, now: bigint): VaultEvent[] | undefined {
    if (this.executed.has(id)) return undefined
    const command = decodeCommand(payload)
    if (command.expiry < now) return undefined
    const events: VaultEvent[] = []
    const outcome = this.apply(command, events)
    this.executed.set(id, outcome)
    events.push({
      name: 'CommandExecuted',
      args: { commandId: id, kind: String(CommandKind[command.kind]), account: command.account, outcome: String(code(outcome)), vmHash: id },
    })
    return events
  }

  private apply(c: Command, events: VaultEvent[]): Outcome {
    const lock = this.lockOf(c.account)
    switch (c.kind) {
      case 'ApproveWithdrawal': {
        const r = this.requests.get(c.requestId)
        if (r?.status !== 'pending' || r.account.toLowerCase() !== c.account.toLowerCase()) return 'request_not_pending'
        if (lock.locked || lock.epoch !== c.lockEpoch) return 'voided_by_lock'
        const held = this.holdings.get(r.asset.toLowerCase()) ?? 0n
        if (held < r.amount) return 'insufficient_liquidity'
        r.status = 'executed'
        this.holdings.set(r.asset.toLowerCase(), held - r.amount)
        events.push({ name: 'WithdrawalExecuted', args: { requestId: r.requestId.toString(), account: r.account, asset: r.asset, amount: r.amount.toString() } })
        return 'applied'
      }
      case 'RejectWithdrawal': {
        const r = this.requests.get(c.requestId)
        if (r?.status !== 'pending' || r.account.toLowerCase() !== c.account.toLowerCase()) return 'request_not_pending'
        r.status = 'rejected'
        this.add(r.account, r.asset, r.amount)
        const args = { requestId: r.requestId.toString(), account: r.account, asset: r.asset, amount: r.amount.toString(), reason: String(c.reason) }
        events.push({ name: 'WithdrawalRejected', args })
        return 'applied'
      }
      case 'Lock': {
        if (c.lockEpoch <= lock.epoch) return 'stale_epoch'
        this.locks.set(c.account.toLowerCase(), { locked: true, epoch: c.lockEpoch })
        events.push({ name: 'AccountLocked', args: { account: c.account, epoch: String(c.lockEpoch) } })
        return 'applied'
      }
      case 'Unlock': {
        // MarginVault._unlock: a locked account at its epoch, or an unlocked one at an older epoch (a cancelled lock)
        if (lock.locked ? lock.epoch !== c.lockEpoch : c.lockEpoch <= lock.epoch) return 'stale_epoch'
        this.locks.set(c.account.toLowerCase(), { locked: false, epoch: c.lockEpoch })
        events.push({ name: 'AccountUnlocked', args: { account: c.account, epoch: String(c.lockEpoch) } })
        return 'applied'
      }
      case 'Seize': {
        if (!lock.locked || lock.epoch !== c.lockEpoch) return 'stale_epoch'
        const balance = this.balanceOf(c.account, c.asset)
        const available = balance > 0n ? balance : 0n
        const moved = c.amount < available ? c.amount : available
        this.add(c.account, c.asset, -moved)
        this.add(c.receiver, c.asset, moved)
        const args = { account: c.account, asset: c.asset, amount: moved.toString(), receiver: c.receiver, epoch: String(c.lockEpoch) }
        events.push({ name: 'Seized', args })
        return 'applied'
      }
      case 'SetLimits':
      case 'Checkpoint':
        return 'applied'
    }
  }

  private add(account: string, asset: string, delta: bigint) {
    this.balances.set(key(account, asset), this.balanceOf(account, asset) + delta)
  }
}
