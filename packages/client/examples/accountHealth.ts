// Reads an account's health and margin, then follows it as it changes.
//   UNIMARGIN_API_URL=http://127.0.0.1:8080 npx tsx accountHealth.ts 0xAccount [--events N]
// Prints one line now and one per event of the account's stream; stops after N events (default: until Ctrl-C).
import { createClient, formatHealth, formatUsd8, type AccountView } from '@unimargin/client'

const [account, flag, count] = process.argv.slice(2)
if (!account) throw new Error('usage: accountHealth.ts <account> [--events N]')
const maxEvents = flag === '--events' ? Number(count) : Number.POSITIVE_INFINITY
const client = createClient({ baseUrl: process.env.UNIMARGIN_API_URL ?? 'http://127.0.0.1:8080' })

const line = (view: AccountView) =>
  `health ${formatHealth(view.healthBps) ?? 'n/a (no positions)'}, equity $${formatUsd8(view.equityUsd8, { fractionDigits: 2 })}, ` +
  `free collateral $${formatUsd8(view.freeCollateralUsd8, { fractionDigits: 2 })}, ${view.positions.length} position(s)`

console.log(`now: ${line(await client.getAccount(account))}`)

let seen = 0
const subscription = client.subscribeAccount(account, {
  onSnapshot: (view, { id }) => show('snapshot', id, view),
  onUpdate: (view, { id }) => show('update', id, view),
  onError: (error, { retrying, delayMs }) => {
    console.error(retrying ? `stream dropped (${error.message}); reconnecting in ${delayMs} ms` : `stream ended: ${error.message}`)
    if (!retrying) process.exitCode = 1
  },
})
function show(kind: string, id: string | undefined, view: AccountView) {
  console.log(`${kind} #${id}: ${line(view)}`)
  if (++seen >= maxEvents) subscription.close()
}
process.once('SIGINT', () => subscription.close())
await subscription.done
