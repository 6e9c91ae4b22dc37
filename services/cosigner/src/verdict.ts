import type { Command } from '@unimargin/protocol'

/** Why a co-signer refuses: a stable code, a sentence, and the HTTP status it answers with. */
export type Refusal = {
  /** 409: its view of the chains does not support the command now (it may later); 422: it never will */
  status: 409 | 422
  code: string
  reason: string
  detail: Record<string, unknown>
}

/** The outcome of `checkCommand`: sign (with what the decision relied on), or a refusal. */
export type Verdict = { sign: true; command: Command; detail: Record<string, unknown> } | ({ sign: false; command: Command | undefined } & Refusal)

/** A refusal {@link Verdict}. */
export function refuse(command: Command | undefined, status: 409 | 422, code: string, reason: string, detail: Record<string, unknown> = {}): Verdict {
  return { sign: false, command, status, code, reason, detail }
}
