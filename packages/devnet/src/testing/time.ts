import type { Chain, TestClient, Transport } from 'viem'

/**
 * Moves a devnet chain's clock forward by `seconds` (anvil's `evm_increaseTime`) and mines one block, so the next
 * transaction and `getBlock()` see the new time. Devnet only.
 */
export async function advanceTime(chain: { testClient: TestClient<'anvil', Transport, Chain> }, seconds: number | bigint): Promise<void> {
  await chain.testClient.increaseTime({ seconds: Number(seconds) })
  await chain.testClient.mine({ blocks: 1 })
}
