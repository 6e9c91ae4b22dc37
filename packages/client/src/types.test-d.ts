// Type tests, checked by `tsc` (the package's typecheck): the documented views of types.ts and the schemas generated
// from the hub's OpenAPI document describe the same JSON, so the documentation cannot drift from the server.
import type { components } from './generated/api.js'
import type { AccountView, CommandView, LiquidationView, NodeStatusView, ReadyView, RiskView, WithdrawalView } from './types.js'

type Schemas = components['schemas']
/** `T` without `readonly` (an OpenAPI document cannot say an array is read-only), at every depth. */
type Writable<T> = T extends readonly (infer U)[] ? Writable<U>[] : T extends object ? { -readonly [K in keyof T]: Writable<T[K]> } : T
/** `true` when each of `A` (read-only or not) and `B` is assignable to the other, else a compile error at the use. */
type Same<A, B> = [Writable<A>] extends [B] ? ([B] extends [A] ? true : never) : never
const same = <A, B>(proof: Same<A, B>) => proof

same<AccountView, Schemas['AccountView']>(true)
same<RiskView, Schemas['RiskView']>(true)
same<WithdrawalView, Schemas['Withdrawal']>(true)
same<LiquidationView, Schemas['Liquidation']>(true)
same<CommandView, Schemas['Command']>(true)
same<ReadyView, Schemas['Ready']>(true)
same<NodeStatusView, Schemas['NodeStatus']>(true)
