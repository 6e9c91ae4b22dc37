import { LzEndpointV2, LzReceiveUln302, LzSendUln302, MarginHub, MarginVault } from '@unimargin/contracts'
import { type Abi, type Address, encodeAbiParameters, encodeFunctionData, getAddress, type Hex, pad, zeroAddress } from 'viem'
import type { DeployContext } from './context.js'
import type { DeployChainSpec, DeploymentSpec, UlnConfig } from './spec.js'

/** ULN302 config types (`UlnBase`, `SendLibBase`): executor and ULN. */
const CONFIG_TYPE_EXECUTOR = 1
const CONFIG_TYPE_ULN = 2
/** ULN302's "none" values: a DVN count of 255 and confirmations of 2^64 − 1 mean zero, where 0 would mean "the default". */
const NIL_DVN_COUNT = 255
const NIL_CONFIRMATIONS = 2n ** 64n - 1n

/** A transaction that sets a wanted value, and the permission it needs. */
export interface WiringCall {
  to: Address
  abi: Abi
  functionName: string
  args: readonly unknown[]
  /** who may send it: the `owner()` of `of`, or the endpoint's delegate of OApp `of` */
  needs: { role: 'owner'; of: Address } | { role: 'delegate'; of: Address; endpoint: Address }
}

/** One setting of the wanted wiring: its wanted value, how to read the current one, and the call that sets it. */
export interface WiringItem {
  chain: string
  contract: 'MarginHub' | 'MarginVault'
  address: Address
  /** e.g. `peer(40102)`, `sendUln(40102)`, `dualTransportThreshold(USDC)` */
  setting: string
  /** the wanted value, formatted as {@link WiringItem.read} formats the current one */
  wanted: string
  read(ctx: DeployContext): Promise<string>
  /** undefined for a value fixed at construction: a difference can only be fixed by deploying anew */
  set?: WiringCall
}

const show = (a: Address) => getAddress(a)
const showBytes32 = (b: Hex) => (BigInt(b) === 0n ? 'unset' : BigInt(b) < 2n ** 160n ? show(`0x${b.slice(-40)}` as Address) : b)
const list = (xs: readonly Address[]) => `[${xs.map(show).join(',\n  ')}]`

interface RawUln {
  confirmations: bigint
  requiredDVNCount: number
  optionalDVNCount: number
  optionalDVNThreshold: number
  requiredDVNs: readonly Address[]
  optionalDVNs: readonly Address[]
}

/** The app-specific ULN config that pins `uln` (nothing left to the endpoint's defaults). */
function pinnedUln(uln: UlnConfig): RawUln {
  return {
    confirmations: uln.confirmations === 0 ? NIL_CONFIRMATIONS : BigInt(uln.confirmations),
    requiredDVNCount: uln.requiredDVNs.length === 0 ? NIL_DVN_COUNT : uln.requiredDVNs.length,
    optionalDVNCount: uln.optionalDVNs.length === 0 ? NIL_DVN_COUNT : uln.optionalDVNs.length,
    optionalDVNThreshold: uln.optionalDVNThreshold,
    requiredDVNs: uln.requiredDVNs,
    optionalDVNs: uln.optionalDVNs,
  }
}

/** An app-specific ULN config as printed, a field a line; `default` where a field falls back to the endpoint's default. */
function showUln(u: RawUln): string {
  const confirmations = u.confirmations === 0n ? 'default' : u.confirmations === NIL_CONFIRMATIONS ? '0' : String(u.confirmations)
  const dvns = (count: number, xs: readonly Address[]) => (count === 0 ? 'default' : count === NIL_DVN_COUNT ? '[]' : list(xs))
  return [
    `confirmations=${confirmations}`,
    `requiredDVNs=${dvns(u.requiredDVNCount, u.requiredDVNs)}`,
    `optionalDVNs=${dvns(u.optionalDVNCount, u.optionalDVNs)}`,
    `threshold=${u.optionalDVNThreshold}`,
  ].join('\n')
}

const ulnAbiParams = [
  {
    type: 'tuple',
    components: [
      { name: 'confirmations', type: 'uint64' },
      { name: 'requiredDVNCount', type: 'uint8' },
      { name: 'optionalDVNCount', type: 'uint8' },
      { name: 'optionalDVNThreshold', type: 'uint8' },
      { name: 'requiredDVNs', type: 'address[]' },
      { name: 'optionalDVNs', type: 'address[]' },
    ],
  },
] as const
const executorAbiParams = [{ type: 'tuple', components: [{ name: 'maxMessageSize', type: 'uint32' }, { name: 'executor', type: 'address' }] }] as const

/**
 * The wanted wiring of a deployed network, in the order it is sent: on the hub chain, MarginHub's LayerZero peer,
 * send library, ULN config and executor config towards each vault's eid; on each chain, the vault's fixed Wormhole
 * emitter and LayerZero peer (checked only), its receive library and ULN config for the hub's eid, listed assets,
 * two-transport thresholds, request timeout and guardian; last the LayerZero delegate and the owner of every vault
 * and of the hub (so everything before is still sent by the deployer). ULN and executor configs are compared with
 * the OApp's own (`getAppUlnConfig`, `executorConfigs`), so a path is pinned and does not follow later changes of the
 * endpoint's defaults.
 */
export function wantedWiring(spec: DeploymentSpec, deployed: { hub: Address; vaults: Map<string, Address> }, deployer: Address): WiringItem[] {
  const hubChain = spec.chains.find((c) => c.name === spec.hub.chain)!
  const hubLz = hubChain.layerzero
  const hub = deployed.hub
  const items: WiringItem[] = []
  const hubItem = (setting: string, wanted: string, read: WiringItem['read'], set?: WiringCall): WiringItem => ({
    chain: hubChain.name,
    contract: 'MarginHub',
    address: hub,
    setting,
    wanted,
    read,
    set,
  })

  for (const c of spec.chains) {
    const vault = deployed.vaults.get(c.name)!
    const eid = c.layerzero.eid
    const hubDelegate = { role: 'delegate', of: hub, endpoint: hubLz.endpoint } as const
    items.push(
      hubItem(
        `peer(${eid})`,
        show(vault),
        async (ctx) => showBytes32(await ctx.publicClient.readContract({ address: hub, abi: MarginHub.abi, functionName: 'peers', args: [eid] })),
        { to: hub, abi: MarginHub.abi, functionName: 'setPeer', args: [eid, pad(vault, { size: 32 })], needs: { role: 'owner', of: hub } },
      ),
      hubItem(
        `sendLibrary(${eid})`,
        show(hubLz.sendLibrary),
        async (ctx) => {
          const r = { address: hubLz.endpoint, abi: LzEndpointV2.abi } as const
          if (await ctx.publicClient.readContract({ ...r, functionName: 'isDefaultSendLibrary', args: [hub, eid] })) return 'default'
          return show(await ctx.publicClient.readContract({ ...r, functionName: 'getSendLibrary', args: [hub, eid] }))
        },
        { to: hubLz.endpoint, abi: LzEndpointV2.abi, functionName: 'setSendLibrary', args: [hub, eid, hubLz.sendLibrary], needs: hubDelegate },
      ),
      hubItem(
        `sendUln(${eid})`,
        showUln(pinnedUln(hubLz.uln)),
        async (ctx) => showUln(await ctx.publicClient.readContract({ address: hubLz.sendLibrary, abi: LzSendUln302.abi, functionName: 'getAppUlnConfig', args: [hub, eid] })),
        setConfigCall(hubLz.endpoint, hub, hubLz.sendLibrary, eid, CONFIG_TYPE_ULN, encodeAbiParameters(ulnAbiParams, [pinnedUln(hubLz.uln)]), hubDelegate),
      ),
      hubItem(
        `executor(${eid})`,
        `${show(hubLz.executor.address)}\nmaxMessageSize=${hubLz.executor.maxMessageSize}`,
        async (ctx) => {
          const [size, executor] = await ctx.publicClient.readContract({ address: hubLz.sendLibrary, abi: LzSendUln302.abi, functionName: 'executorConfigs', args: [hub, eid] })
          return executor === zeroAddress ? 'default' : `${show(executor)}\nmaxMessageSize=${size}`
        },
        setConfigCall(
          hubLz.endpoint,
          hub,
          hubLz.sendLibrary,
          eid,
          CONFIG_TYPE_EXECUTOR,
          encodeAbiParameters(executorAbiParams, [{ maxMessageSize: hubLz.executor.maxMessageSize, executor: hubLz.executor.address }]),
          hubDelegate,
        ),
      ),
    )
  }

  for (const c of spec.chains) items.push(...vaultWiring(c, deployed.vaults.get(c.name)!, hub, hubLz.eid))

  const owners: { chain: DeployChainSpec; contract: WiringItem['contract']; address: Address; owner: Address }[] = [
    ...spec.chains.map((c) => ({ chain: c, contract: 'MarginVault' as const, address: deployed.vaults.get(c.name)!, owner: c.vault.owner ?? deployer })),
    { chain: hubChain, contract: 'MarginHub', address: hub, owner: spec.hub.owner ?? deployer },
  ]
  for (const o of owners) {
    const base = { chain: o.chain.name, contract: o.contract, address: o.address }
    items.push({
      ...base,
      setting: 'delegate',
      wanted: show(o.owner),
      read: async (ctx) => show(await ctx.publicClient.readContract({ address: o.chain.layerzero.endpoint, abi: LzEndpointV2.abi, functionName: 'delegates', args: [o.address] })),
      set: { to: o.address, abi: MarginVault.abi, functionName: 'setDelegate', args: [o.owner], needs: { role: 'owner', of: o.address } },
    })
  }
  for (const o of owners) {
    const base = { chain: o.chain.name, contract: o.contract, address: o.address }
    items.push({
      ...base,
      setting: 'owner',
      wanted: show(o.owner),
      read: async (ctx) => show(await ctx.publicClient.readContract({ address: o.address, abi: MarginVault.abi, functionName: 'owner' })),
      set: { to: o.address, abi: MarginVault.abi, functionName: 'transferOwnership', args: [o.owner], needs: { role: 'owner', of: o.address } },
    })
  }
  return items
}

function vaultWiring(c: DeployChainSpec, vault: Address, hub: Address, hubEid: number): WiringItem[] {
  const lz = c.layerzero
  const item = (setting: string, wanted: string, read: WiringItem['read'], set?: WiringCall): WiringItem => ({ chain: c.name, contract: 'MarginVault', address: vault, setting, wanted, read, set })
  const owner = { role: 'owner', of: vault } as const
  const delegate = { role: 'delegate', of: vault, endpoint: lz.endpoint } as const
  const v = { address: vault, abi: MarginVault.abi } as const
  const items: WiringItem[] = [
    item('wormholeEmitter', show(hub), async (ctx) => showBytes32(await ctx.publicClient.readContract({ ...v, functionName: 'hubEmitter' }))),
    item(`peer(${hubEid})`, show(hub), async (ctx) => showBytes32(await ctx.publicClient.readContract({ ...v, functionName: 'peers', args: [hubEid] }))),
    item(
      `receiveLibrary(${hubEid})`,
      show(lz.receiveLibrary),
      async (ctx) => {
        try {
          const [lib, isDefault] = await ctx.publicClient.readContract({ address: lz.endpoint, abi: LzEndpointV2.abi, functionName: 'getReceiveLibrary', args: [vault, hubEid] })
          return isDefault ? 'default' : show(lib)
        } catch {
          return 'unset'
        }
      },
      { to: lz.endpoint, abi: LzEndpointV2.abi, functionName: 'setReceiveLibrary', args: [vault, hubEid, lz.receiveLibrary, 0n], needs: delegate },
    ),
    item(
      `receiveUln(${hubEid})`,
      showUln(pinnedUln(lz.uln)),
      async (ctx) => showUln(await ctx.publicClient.readContract({ address: lz.receiveLibrary, abi: LzReceiveUln302.abi, functionName: 'getAppUlnConfig', args: [vault, hubEid] })),
      setConfigCall(lz.endpoint, vault, lz.receiveLibrary, hubEid, CONFIG_TYPE_ULN, encodeAbiParameters(ulnAbiParams, [pinnedUln(lz.uln)]), delegate),
    ),
  ]
  for (const a of c.vault.assets) {
    items.push(
      item(
        `assetSupported(${a.symbol})`,
        'true',
        async (ctx) => String(await ctx.publicClient.readContract({ ...v, functionName: 'isAssetSupported', args: [a.address] })),
        { to: vault, abi: MarginVault.abi, functionName: 'setAssetSupported', args: [a.address, true], needs: owner },
      ),
      item(
        `dualTransportThreshold(${a.symbol})`,
        a.dualTransportThreshold.toString(),
        async (ctx) => String(await ctx.publicClient.readContract({ ...v, functionName: 'dualTransportThreshold', args: [a.address] })),
        { to: vault, abi: MarginVault.abi, functionName: 'setDualTransportThreshold', args: [a.address, a.dualTransportThreshold], needs: owner },
      ),
    )
  }
  items.push(
    item(
      'requestTimeoutSeconds',
      String(c.vault.requestTimeoutSeconds),
      async (ctx) => String(await ctx.publicClient.readContract({ ...v, functionName: 'requestTimeoutSeconds' })),
      { to: vault, abi: MarginVault.abi, functionName: 'setRequestTimeout', args: [BigInt(c.vault.requestTimeoutSeconds)], needs: owner },
    ),
  )
  const guardian = c.vault.guardian
  if (guardian)
    items.push(
      item('guardian', show(guardian), async (ctx) => show(await ctx.publicClient.readContract({ ...v, functionName: 'guardian' })), {
        to: vault,
        abi: MarginVault.abi,
        functionName: 'setGuardian',
        args: [guardian],
        needs: owner,
      }),
    )
  return items
}

function setConfigCall(endpoint: Address, oapp: Address, lib: Address, eid: number, configType: number, config: Hex, needs: WiringCall['needs']): WiringCall {
  return { to: endpoint, abi: LzEndpointV2.abi, functionName: 'setConfig', args: [oapp, lib, [{ eid, configType, config }]], needs }
}

/** The calldata of `call`, for an owner that sends it itself (a multisig, a timelock's `schedule`). */
export function calldataOf(call: WiringCall): Hex {
  return encodeFunctionData({ abi: call.abi, functionName: call.functionName, args: call.args } as never)
}
