import type { Command } from 'commander'

/** `unimargin account <address>`: an account's view from a running node's API. */
export function addAccountCommand(program: Command): Command {
  return program
    .command('account')
    .description("Print an account's health, collateral, positions and withdrawable amounts from a running node.")
    .argument('<address>', 'account address (0x…)')
    .option('--api <url>', 'node API base URL', 'http://127.0.0.1:8787')
    .action(async (address: string, options: { api: string }) => {
      const { fetchNode } = await import('../../operator/nodeApi.js')
      const res = await fetchNode(options.api, `/v1/accounts/${address}`)
      console.log(JSON.stringify(await res.json(), null, 2))
      if (!res.ok) process.exitCode = 1
    })
}
