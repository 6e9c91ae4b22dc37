import { describe, expect, it } from 'vitest'
import { getAddress } from 'viem'
import { DeploymentSpecError } from './errors.js'
import { type DeploymentSpecInput, defineDeployment } from './spec.js'

const A = (n: number) => `0x${n.toString(16).padStart(40, '0')}`
const KEY = `0x${'11'.repeat(32)}`

const valid = (): DeploymentSpecInput => ({
  network: 'testnet',
  devnet: true,
  deployer: { privateKey: KEY },
  hub: { chain: 'arbitrum', publishers: [A(1)], coSigners: { signers: [A(2), A(3)], threshold: 2, delaySeconds: 3600 } },
  chains: [
    {
      name: 'arbitrum',
      chainId: 42161,
      rpcUrl: 'http://127.0.0.1:1',
      wormhole: { core: A(10), chainId: 23 },
      layerzero: { eid: 30110, endpoint: A(11), sendLibrary: A(12), receiveLibrary: A(13), uln: { confirmations: 20, requiredDVNs: [A(15), A(14)] }, executor: { address: A(16) } },
      vault: { escapeDelaySeconds: 604_800, assets: [{ symbol: 'USDC', address: A(17), dualTransportThreshold: '50000000000' }] },
    },
  ],
})

function issuesOf(input: unknown): { path: string; message: string }[] {
  try {
    defineDeployment(input as DeploymentSpecInput, 'deploy.json')
  } catch (error) {
    expect(error).toBeInstanceOf(DeploymentSpecError)
    return (error as DeploymentSpecError).issues
  }
  throw new Error('the spec was accepted')
}

describe('defineDeployment', () => {
  it('applies defaults, sorts the DVNs and reads thresholds as base units', () => {
    const spec = defineDeployment(valid())
    const chain = spec.chains[0]!
    expect(chain.layerzero.uln.requiredDVNs).toEqual([A(14), A(15)].map((a) => getAddress(a)))
    expect(chain.layerzero.uln.optionalDVNs).toEqual([])
    expect(chain.layerzero.executor.maxMessageSize).toBe(10_000)
    expect(chain.vault.requestTimeoutSeconds).toBe(86_400)
    expect(chain.vault.assets[0]!.dualTransportThreshold).toBe(50_000_000_000n)
    expect(spec.hub.consistencyLevel).toBe(1)
  })

  it('names the path of a bad field by chain name and asset symbol', () => {
    const input = valid()
    ;(input.chains[0]!.vault.assets[0] as { address: string }).address = '0x1234'
    expect(issuesOf(input)).toEqual([{ path: 'chains[arbitrum].vault.assets[USDC].address', message: 'must be a 20-byte 0x address' }])
  })

  it('refuses an unknown key instead of ignoring a typo', () => {
    const input = valid() as unknown as { chains: { vault: Record<string, unknown> }[] }
    input.chains[0]!.vault.requestTimeout = 3600
    expect(issuesOf(input)).toEqual([{ path: 'chains[arbitrum].vault', message: "unknown key 'requestTimeout'" }])
  })

  it('refuses a deployer key written in the file outside a devnet', () => {
    const input = { ...valid(), devnet: false }
    expect(issuesOf(input).map((i) => i.path)).toEqual(['deployer.privateKey'])
  })

  it('reads the deployer key from the environment when named', () => {
    process.env.UNIMARGIN_SPEC_TEST_KEY = KEY
    try {
      const spec = defineDeployment({ ...valid(), devnet: false, deployer: { privateKey: { $env: 'UNIMARGIN_SPEC_TEST_KEY' } } })
      expect(spec.deployer.privateKey).toBe(KEY)
    } finally {
      delete process.env.UNIMARGIN_SPEC_TEST_KEY
    }
    expect(issuesOf({ ...valid(), deployer: { privateKey: { $env: 'UNIMARGIN_SPEC_TEST_UNSET' } } })).toEqual([
      { path: 'deployer.privateKey', message: 'environment variable UNIMARGIN_SPEC_TEST_UNSET is not set' },
    ])
  })

  it('refuses a hub on a chain the spec does not list, and a request timeout outside 1 hour .. 7 days', () => {
    const input = valid()
    input.hub.chain = 'base'
    input.chains[0]!.vault.requestTimeoutSeconds = 60
    expect(issuesOf(input).map((i) => i.path).sort()).toEqual(['chains[arbitrum].vault.requestTimeoutSeconds', 'hub.chain'])
  })

  it('refuses optional DVNs without a threshold, and a threshold above the co-signers', () => {
    const input = valid()
    input.chains[0]!.layerzero.uln.optionalDVNs = [A(20)]
    input.hub.coSigners.threshold = 3
    expect(issuesOf(input).map((i) => i.path).sort()).toEqual(['chains[arbitrum].layerzero.uln.optionalDVNThreshold', 'hub.coSigners.threshold'])
  })
})
