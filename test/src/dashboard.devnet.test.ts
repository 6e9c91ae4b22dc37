import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { devnetKeys } from '@unimargin/devnet'
import { type Browser, chromium, type Locator, type Page } from 'playwright-core'
import { privateKeyToAddress } from 'viem/accounts'
import { describe, expect, it, onTestFinished } from 'vitest'

/** Debian's `chromium` (`apt-get install -y chromium`; `.ci/run` installs it when missing). */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
/** Screenshots of every page, kept after the run (gitignored). */
const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/dashboard/', import.meta.url))
const OPERATOR_KEY = 'dashboard-test-operator-key'
const REPO = fileURLToPath(new URL('../../', import.meta.url))
/** The demo's players (anvil's accounts): alice withdraws across chains, carol is the leveraged long liquidated. */
const [, aliceKey, , carolKey] = devnetKeys(1).users
const accounts = { alice: privateKeyToAddress(aliceKey!), carol: privateKeyToAddress(carolKey!) }
const IN_FLIGHT = /^(pending|published|attested|delivered)$/
/** Bounds on waits for what the scenario does (the crash comes a few minutes in); each wait ends when the page shows it. */
const SCENARIO_MS = 420_000

/** The text of `testId` once the page shows one matching `text`. */
async function shown(page: Page | Locator, testId: string, text: RegExp, timeout = SCENARIO_MS) {
  const locator = page.getByTestId(testId).filter({ hasText: text }).first()
  await locator.waitFor({ timeout })
  return (await locator.textContent())?.trim()
}

describe('the dashboard during the demo', () => {
  it(
    'shows the leveraged account go from healthy to locked to liquidated and a withdrawal command move through its states, live, as the node\'s /metrics do',
    { timeout: 900_000 },
    async () => {
      mkdirSync(ARTIFACTS, { recursive: true })
      const workDir = mkdtempSync(join(tmpdir(), 'unimargin-dashboard-'))
      // `pnpm demo` as a user runs it: its own process (group), with its co-signer processes
      const args = ['--import', 'tsx', 'services/node/src/bin.ts', 'dev', '--api-port', '46700', '--base-port', '46710', '--work-dir', workDir, '--operator-api-key', OPERATOR_KEY]
      const child = spawn(process.execPath, args, { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
      let output = ''
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
      const demo = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
      /** Interrupts the demo, its co-signers and chains (the whole group); kills them if they outlive `graceMs`. */
      const stopDemo = async (graceMs = 20_000) => {
        const signal = (name: NodeJS.Signals) => {
          try {
            process.kill(-child.pid!, name)
          } catch {
            // the group is gone
          }
        }
        signal('SIGINT')
        let timer: NodeJS.Timeout | undefined
        await Promise.race([demo, new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))])
        clearTimeout(timer)
        signal('SIGKILL')
      }
      onTestFinished(() => stopDemo())
      let browser: Browser | undefined
      try {
        const dashboardUrl = await new Promise<string>((resolve, reject) => {
          const found = () => output.match(/Dashboard: (\S+)/)?.[1]
          child.stdout.on('data', () => found() && resolve(found()!))
          void demo.then((code) => reject(new Error(`the demo exited (${code}) before printing the dashboard's URL:\n${output}`)))
        })
        const index = await fetch(dashboardUrl)
        expect(index.status, 'the dashboard is built (pnpm build)').toBe(200)
        // a first scrape, as Prometheus makes one every few seconds: the delivery histogram counts from the first
        const metricsUrl = new URL('/metrics', dashboardUrl)
        expect((await fetch(metricsUrl)).status).toBe(200)

        browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] })
        const context = await browser.newContext({ viewport: { width: 1440, height: 2000 } })
        const open = async (hash: string) => {
          const page = await context.newPage()
          await page.goto(`${dashboardUrl}#${hash}`)
          // a mark on the document: still there at the end, the page was updated in place, never reloaded
          await page.evaluate('window.loadedOnce = true')
          return page
        }
        const carol = await open(`/accounts/${accounts.carol}`)
        const alice = await open(`/accounts/${accounts.alice}`)
        // the node streams account views (Server-Sent Events): the pages follow the stream, not a poll
        for (const page of [carol, alice]) await shown(page, 'feed', /^live stream$/, 60_000)

        // alice's cross-chain withdrawal: its command seen in flight, then executed, with every state it went through
        const commandCell = alice.getByTestId('withdrawals').locator('code[title]').first()
        await commandCell.waitFor({ timeout: SCENARIO_MS })
        const commandId = await commandCell.getAttribute('title')
        const command = alice.getByTestId(`command-${commandId}`)
        const inFlight = await shown(command, 'command-state', IN_FLIGHT).catch(() => undefined)
        expect(inFlight, `alice's withdrawal command ${commandId} was shown in flight`).toMatch(IN_FLIGHT)
        await shown(command, 'command-state', /^executed$/)
        const trail = await command.getByTestId('command-trail').textContent()
        expect(trail).toMatch(/pending.*published.*executed/)
        await alice.screenshot({ path: join(ARTIFACTS, 'withdrawal.png'), fullPage: true })

        // carol: healthy with a leveraged long, locked in the crash, then liquidated, on the page opened at the start
        // run in the page (the test's own types know no DOM)
        const healthy = `(() => {
          const health = document.querySelector('[data-testid=health]')?.textContent ?? ''
          return /^\\d+\\.\\d+$/.test(health) && Number(health) >= 1 && document.querySelector('[data-testid=lock-state]')?.textContent === 'unlocked'
        })()`
        await carol.waitForFunction(healthy, undefined, { timeout: SCENARIO_MS })
        expect(await shown(carol, 'worst-scenario', /\S/)).not.toBe('none')
        await carol.screenshot({ path: join(ARTIFACTS, 'healthy.png'), fullPage: true })
        // locking while the Locks travel, locked once every vault applied its Lock (about ten seconds before the seizures)
        await shown(carol, 'lock-state', /^locked$/)
        await carol.screenshot({ path: join(ARTIFACTS, 'locked.png'), fullPage: true })
        await shown(carol, 'liquidation-state', /^liquidated$/)
        await carol.screenshot({ path: join(ARTIFACTS, 'liquidated.png'), fullPage: true })
        for (const page of [carol, alice]) expect(await page.evaluate('window.loadedOnce')).toBe(true)

        // the running node's /metrics, scraped as Prometheus would, tell the same story
        const metrics = await (await fetch(metricsUrl)).text()
        const samples = (name: string, labels: RegExp = /.*/) =>
          metrics
            .split('\n')
            .filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))
            .filter((l) => labels.test(l))
            .map((l) => Number(l.slice(l.lastIndexOf(' ') + 1)))
        const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0)
        expect(samples('unimargin_chain_head_block'), 'a head per chain').toHaveLength(3)
        expect(samples('unimargin_chain_head_block').every((h) => h > 0)).toBe(true)
        expect(samples('unimargin_chain_halted')).toEqual([0, 0, 0])
        expect(sum(samples('unimargin_liquidations')), "carol's liquidation").toBeGreaterThanOrEqual(1)
        expect(sum(samples('unimargin_commands', /state="executed"/)), 'commands executed').toBeGreaterThan(0)
        expect(sum(samples('unimargin_command_delivery_seconds_count')), 'deliveries timed per route since the first scrape').toBeGreaterThan(0)
        expect(samples('process_cpu_seconds_total')).toHaveLength(1)

        // the operators' list, sorted by health, once the key is given; the routes and the chains
        const list = await open('/')
        await list.getByLabel('API key').fill(OPERATOR_KEY)
        await list.getByRole('button', { name: 'Use key' }).click()
        await list.getByTestId('accounts-table').getByText(accounts.carol).waitFor()
        // least healthy first: carol, even after her liquidation, ahead of the others' ample margins
        expect(await list.getByTestId('accounts-table').locator('tbody tr').first().textContent()).toContain(accounts.carol)
        await list.screenshot({ path: join(ARTIFACTS, 'accounts.png') })
        const routes = await open('/routes')
        await routes.getByTestId('routes-table').locator('tbody tr').nth(2).waitFor()
        expect(await routes.getByTestId('routes-table').locator('tbody tr').count()).toBe(3)
        await routes.screenshot({ path: join(ARTIFACTS, 'routes.png') })
        const chains = await open('/chains')
        await chains.getByTestId('chains-table').locator('tbody tr').nth(2).waitFor()
        await chains.screenshot({ path: join(ARTIFACTS, 'chains.png') })
        // what the pages had to show is shown: the rest of the price path is the demo's own to check
      } finally {
        await browser?.close()
        await stopDemo()
        rmSync(workDir, { recursive: true, force: true })
      }
    },
  )
})
