import { Options, WorkerId } from '@layerzerolabs/lz-v2-utilities'
import type { Hex } from 'viem'
import type { CommandKindName } from '../command/index.js'
import { LayerZeroCodecError } from './errors.js'

/**
 * Gas the executor forwards to the vault's `lzReceive` per command kind (destination gas units). Whole
 * `EndpointV2.lzReceive` transactions measured on the devnet: ApproveWithdrawal ≈ 147k (an ERC-20 transfer to a
 * fresh recipient), Seize ≈ 106k, Lock ≈ 95k, RejectWithdrawal ≈ 92k, Unlock ≈ 78k, SetLimits ≈ 139k (first limits
 * of an asset: fresh storage slots), of which about 40k is the base transaction, calldata and the endpoint's own
 * bookkeeping; the limits leave roughly twice the vault's share. The vault's escape counters add up to two fresh
 slots to a payout and three to a Seize (≈ 22k each, the first time an account or receiver is active there), which is
 why Seize has 200k. Checkpoint writes two slots (the first one of a vault:
 fresh slots), like a first SetLimits.
 */
export const LZ_RECEIVE_GAS: Readonly<Record<CommandKindName, bigint>> = {
  ApproveWithdrawal: 200_000n,
  RejectWithdrawal: 120_000n,
  Lock: 120_000n,
  Unlock: 100_000n,
  Seize: 200_000n,
  SetLimits: 170_000n,
  Checkpoint: 150_000n,
}

/**
 * Type-3 options asking the executor to call `lzReceive` with `gas` (and `value` wei): `0x0003 ‖ worker 1 ‖
 * size u16 ‖ type 1 ‖ gas u128 [‖ value u128]`.
 * @throws {LayerZeroCodecError} if gas or value is negative or wider than u128.
 */
export function lzReceiveOptions(gas: bigint, value = 0n): Hex {
  for (const [name, v] of [['gas', gas], ['value', value]] as const)
    if (v < 0n || v >= 2n ** 128n) throw new LayerZeroCodecError(`${name} ${v} does not fit in u128`)
  return Options.newOptions().addExecutorLzReceiveOption(gas, value).toHex() as Hex
}

/**
 * The executor options MarginHub sends a command of `kind` with: `lzReceive` gas from `gasByKind` (default
 * {@link LZ_RECEIVE_GAS}), no value.
 */
export function commandOptions(kind: CommandKindName, gasByKind: Partial<Record<CommandKindName, bigint>> = {}): Hex {
  return lzReceiveOptions(gasByKind[kind] ?? LZ_RECEIVE_GAS[kind])
}

/**
 * The `lzReceive` gas and value an options blob asks for (type 3, or legacy type 1/2 converted), or undefined when
 * it has none. When several lzReceive options are present their gas and values add up, as the executor sums them.
 * @throws {LayerZeroCodecError} if the blob is not valid options.
 */
export function decodeLzReceiveOption(options: Hex): { gas: bigint; value: bigint } | undefined {
  return parse(options).decodeExecutorLzReceiveOption()
}

/** Converts options of any type (legacy type 1: gas; type 2: gas, native drop) to type 3. */
export function toType3Options(options: Hex): Hex {
  return parse(options).toHex() as Hex
}

/**
 * Splits options the way SendUln302 does before paying its workers: the executor's options (worker-1 entries,
 * each `worker ‖ size ‖ type ‖ params`, without the `0x0003` prefix) and the DVN options grouped by DVN index
 * (each group the worker-2 entries for that index, in order). Legacy type 1/2 options become executor options.
 * @throws {LayerZeroCodecError} if the blob is not valid options.
 */
export function splitOptions(options: Hex): { executor: Hex; dvn: Map<number, Hex> } {
  const parsed = WorkerOptionsView.of(options)
  const executor = parsed.only((w) => (w.workerId === WorkerId.EXECUTOR ? w.options : []))
  const indices = [...new Set(parsed.verifierIndices())].sort((a, b) => a - b)
  const dvn = new Map(indices.map((i) => [i, parsed.only((w) => (w.workerId === WorkerId.VERIFIER ? w.options.filter((o) => indexOf(o) === i) : []))]))
  return { executor, dvn }
}

function parse(options: Hex): Options {
  if (!/^0x([0-9a-fA-F]{2}){2,}$/.test(options)) throw new LayerZeroCodecError(`options must be at least 2 bytes of hex, got ${options}`)
  const type = Number.parseInt(options.slice(2, 6), 16)
  if (type < 1 || type > 3) throw new LayerZeroCodecError(`unknown options type ${type}`)
  try {
    return Options.fromOptions(options)
  } catch (error) {
    throw new LayerZeroCodecError(`malformed type-${type} options: ${(error as Error).message}`)
  }
}

type WorkerEntry = { workerId: number; options: { type: number; params: string }[] }

function indexOf(option: { type: number; params: string }): number {
  return (option as { index?: number }).index ?? -1
}

/** Options whose worker entries can be filtered and re-serialised with the library's own encoder. */
class WorkerOptionsView extends Options {
  static of(options: Hex): WorkerOptionsView {
    // copies the parsed worker entries (an own field of Options) onto a view that may read them
    return Object.assign(new WorkerOptionsView(), parse(options))
  }

  verifierIndices(): number[] {
    return (this.workerOptions as WorkerEntry[]).filter((w) => w.workerId === WorkerId.VERIFIER).flatMap((w) => w.options.map(indexOf))
  }

  /** The serialised entries `pick` keeps, without the type-3 prefix (`0x` when none). */
  only(pick: (w: WorkerEntry) => WorkerEntry['options']): Hex {
    const view = new WorkerOptionsView()
    view.workerOptions = (this.workerOptions as WorkerEntry[])
      .map((w) => ({ workerId: w.workerId, options: pick(w) }))
      .filter((w) => w.options.length > 0) as typeof view.workerOptions
    return `0x${view.toHex().slice(6)}`
  }
}
