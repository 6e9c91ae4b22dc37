// A venue reports an account's position: signs it with its reporter key (EIP-712, the hub's domain) and submits it.
//   UNIMARGIN_API_URL=http://127.0.0.1:8080 REPORTER_KEY=0x… npx tsx reportPosition.ts 0xAccount ETH-PERP 1.5 2000 7
// Arguments: account, market, size in units of the underlying (negative: short), entry price in USD, sequence (above
// the account's last one). The domain's name is the hub's `venue.domainName` (UNIMARGIN_DOMAIN_NAME, default Unimargin).
import { createClient, positionReportDomain, signPositionReport, UnimarginApiError } from '@unimargin/client'
import { type Address, type Hex, parseUnits } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'

const [account, market, size, entryPrice, sequence] = process.argv.slice(2)
if (!account || !market || !size || !entryPrice || !sequence) throw new Error('usage: reportPosition.ts <account> <market> <size> <entryPriceUsd> <sequence>')
const reporter = privateKeyToAccount(process.env.REPORTER_KEY as Hex)
const client = createClient({ baseUrl: process.env.UNIMARGIN_API_URL ?? 'http://127.0.0.1:8080' })

// the hub tells its chain and MarginHub address: a report signed for another deployment is refused
const { hub } = await client.getChains()
const domain = positionReportDomain({ name: process.env.UNIMARGIN_DOMAIN_NAME ?? 'Unimargin', chainId: hub.chainId, verifyingContract: hub.address as Address })
const report = {
  account: account as Address,
  market,
  size: parseUnits(size, 18),
  entryPrice: parseUnits(entryPrice, 8),
  sequence: BigInt(sequence),
}
try {
  const accepted = await client.reportPosition(report, await signPositionReport(reporter, report, domain))
  console.log(`accepted: ${accepted.market} for ${accepted.account}, sequence ${accepted.sequence}`)
} catch (error) {
  if (!(error instanceof UnimarginApiError)) throw error
  // e.g. 409 stale_sequence: a report with this sequence or a later one was accepted already
  console.error(`refused: ${error.status} ${error.code} (${error.issues.map((i) => i.path).join(', ')}): ${error.message}`)
  process.exitCode = 1
}
