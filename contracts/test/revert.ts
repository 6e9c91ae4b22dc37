import { BaseError, ContractFunctionRevertedError } from 'viem'
import { expect } from 'vitest'

/**
 * Awaits `promise` (a simulateContract/readContract call) and asserts it reverted with the custom error `name`.
 * @returns the error's decoded arguments.
 */
export async function expectRevert(promise: Promise<unknown>, name: string): Promise<readonly unknown[]> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error, `expected a revert with ${name}`).toBeInstanceOf(BaseError)
  const reverted = (error as BaseError).walk((e) => e instanceof ContractFunctionRevertedError)
  expect(reverted, `expected a contract revert, got: ${(error as Error).message}`).toBeInstanceOf(ContractFunctionRevertedError)
  const data = (reverted as ContractFunctionRevertedError).data
  expect(data?.errorName).toBe(name)
  return data?.args ?? []
}
