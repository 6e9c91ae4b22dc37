import type { ReactNode } from 'react'

export type Tone = 'ok' | 'warn' | 'bad' | 'muted'

/** A coloured label for a state. */
export function Badge({ tone, children, testId }: { tone: Tone; children: ReactNode; testId?: string }) {
  return (
    <span className={`badge ${tone}`} data-testid={testId}>
      {children}
    </span>
  )
}

const GOOD = new Set(['executed', 'unlocked', 'settled', 'approved'])
const BAD = new Set(['failed', 'dead', 'rejected', 'expired', 'voided', 'locked', 'locking'])

/** The tone of a command, withdrawal, lock or liquidation state. */
export const toneOf = (state: string | null): Tone => (state === null ? 'muted' : GOOD.has(state) ? 'ok' : BAD.has(state) ? 'bad' : 'warn')
