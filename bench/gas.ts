/**
 * Gas of each MarginVault command kind, delivered as a Wormhole VAA through `executeCommand`, on the devnet (real
 * anvil, real Wormhole core, the vault as deployed by `startDevnet`: timelocked owner, two-transport thresholds,
 * escape counters).
 *
 *   npx tsx bench/gas.ts [guardians=1] [basePort=35545]
 *
 * With 19 guardians the VAAs carry 13 signatures (the mainnet quorum). Prints one Markdown row per command: the
 * whole transaction's `gasUsed` (21 000 base included), in the order the scenario runs them, so the storage each
 * touches is stated beside it (a first write to a slot costs ≈ 20 000 more than a later one).
 */
import { MarginVault } from '@unimargin/contracts'
import { type DevnetChain, startDevnet, userDeposit, userRequestWithdrawal } from '@unimargin/devnet'
import { signTestVaa } from '@unimargin/devnet/testing'
import { type Command, encodeCommand } from '@unimargin/protocol'
import { type Address, keccak256, parseEventLogs, toHex, zeroAddress } from 'viem'
import { privateKeyToAccount, privateKeyToAddress } from 'viem/accounts'

type CommandInput = Omit<Command, 'commandId' | 'destChainId' | 'vault' | 'expiry'> & Record<string, unknown>

const guardians = Number(process.argv[2] ?? 1)
const basePort = Number(process.argv[3] ?? 35_545)
const USDC = 10n ** 6n
const quorum = Math.floor((2 * guardians) / 3) + 1

const devnet = await startDevnet({ chains: 1, basePort, guardianCount: guardians })
try {
  const c: DevnetChain = devnet.chains[0]!
  const vault = c.addresses.vault
  const usdc = c.addresses.tokens.USDC
  const relayer = privateKeyToAccount(devnet.keys.relayer)
  const alice = { key: devnet.keys.users[0]!, address: privateKeyToAddress(devnet.keys.users[0]!) }
  const receiver = privateKeyToAddress(devnet.keys.receiver)
  let sequence = 1n
  let ids = 0

  /** Signs `command` as a MarginHub VAA (quorum signatures), relays it and returns the receipt's gas and outcome. */
  async function execute(command: CommandInput): Promise<{ gasUsed: bigint; outcome: number; signatures: number }> {
    const expiry = (await c.publicClient.getBlock()).timestamp + 86_400n
    const payload = encodeCommand({ ...command, commandId: keccak256(toHex(`gas-bench-${ids++}`)), destChainId: BigInt(c.chainId), vault, expiry } as Command)
    const signers = Array.from({ length: quorum }, (_, i) => i)
    const vaa = await signTestVaa({ guardianKeys: devnet.keys.guardians, signers, emitterChain: devnet.hub.wormholeChainId, emitterAddress: devnet.hub.address, sequence: sequence++, payload })
    const { request } = await c.publicClient.simulateContract({ address: vault, abi: MarginVault.abi, functionName: 'executeCommand', args: [vaa], account: relayer })
    const receipt = await c.publicClient.waitForTransactionReceipt({ hash: await c.wallet(devnet.keys.relayer).writeContract(request) })
    if (receipt.status !== 'success') throw new Error(`${command.kind} reverted`)
    const executed = parseEventLogs({ abi: MarginVault.abi, logs: receipt.logs, eventName: 'CommandExecuted' })[0]
    return { gasUsed: receipt.gasUsed, outcome: executed?.args.outcome ?? -1, signatures: signers.length }
  }

  await userDeposit(devnet, { chainId: c.chainId, key: alice.key, symbol: 'USDC', amount: 100_000n * USDC })
  const { requestId: paid } = await userRequestWithdrawal(devnet, { chainId: c.chainId, key: alice.key, symbol: 'USDC', amount: 1_000n * USDC })
  const { requestId: refused } = await userRequestWithdrawal(devnet, { chainId: c.chainId, key: alice.key, symbol: 'USDC', amount: 500n * USDC })
  const { requestId: large } = await userRequestWithdrawal(devnet, { chainId: c.chainId, key: alice.key, symbol: 'USDC', amount: 60_000n * USDC })
  const block = await c.publicClient.getBlockNumber()

  const rows: [string, CommandInput][] = [
    ['ApproveWithdrawal, 1 000 USDC paid (first payout of the account: fresh debit counter)', { kind: 'ApproveWithdrawal', account: alice.address, requestId: paid, lockEpoch: 0 }],
    ['RejectWithdrawal (escrow back to the balance)', { kind: 'RejectWithdrawal', account: alice.address, requestId: refused, reason: 1 }],
    ['Lock (first lock of the account)', { kind: 'Lock', account: alice.address, lockEpoch: 1 }],
    ['Seize 100 USDC to the liquidation receiver (first credit of the receiver)', { kind: 'Seize', account: alice.address, lockEpoch: 1, asset: usdc, amount: 100n * USDC, receiver }],
    ['Unlock', { kind: 'Unlock', account: alice.address, lockEpoch: 1 }],
    ['SetLimits (first limits of the asset)', { kind: 'SetLimits', account: zeroAddress as Address, asset: usdc, outflowLimit: 10n ** 12n, periodSeconds: 3600, paused: false, limitsSequence: 1n }],
    ['Checkpoint (the vault\'s first)', { kind: 'Checkpoint', account: zeroAddress as Address, epoch: 1n, root: keccak256(toHex('root-1')), asOfBlock: block }],
    ['Checkpoint (replacing the one in force)', { kind: 'Checkpoint', account: zeroAddress as Address, epoch: 2n, root: keccak256(toHex('root-2')), asOfBlock: block }],
    ['ApproveWithdrawal of 60 000 USDC, above the devnet\'s 50 000 USD two-transport threshold: held for the other transport (first arrival)', { kind: 'ApproveWithdrawal', account: alice.address, requestId: large, lockEpoch: 1 }],
  ]
  console.log(`| command (VAA with ${quorum} of ${guardians} guardian signatures) | gas | outcome |`)
  console.log('|---|---:|---:|')
  for (const [label, command] of rows) {
    const { gasUsed, outcome } = await execute(command)
    console.log(`| ${label} | ${gasUsed.toLocaleString('en-US').replaceAll(',', ' ')} | ${outcome === -1 ? 'held' : outcome} |`)
  }
} finally {
  await devnet.stop()
}
