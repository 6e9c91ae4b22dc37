import { type Abi, BaseError, ContractFunctionRevertedError } from 'viem'

/** The custom error name a failed contract call or simulation reverted with, if viem could decode one. */
export function revertName(error: unknown): string | undefined {
  const revert = error instanceof BaseError ? error.walk((e) => e instanceof ContractFunctionRevertedError) : undefined
  return revert instanceof ContractFunctionRevertedError ? revert.data?.errorName : undefined
}

/** Only the `error` entries of `abi`, to decode reverts that bubble up from another contract. */
export function errorsOf(abi: Abi): Abi {
  return abi.filter((x) => x.type === 'error')
}
