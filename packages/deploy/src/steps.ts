import type { Address } from 'viem'
import { type ContractDeployment, hubDeployment, vaultDeployment } from './contracts.js'
import type { DeploymentSpec } from './spec.js'

/** One contract creation of a deployment, in order: later steps may use earlier steps' addresses. */
export interface DeployStep {
  /** key in the state file: `hub`, `vault:<chain name>` */
  id: string
  /** name of the chain it is deployed on */
  chain: string
  /**
   * The creation, given the addresses of earlier steps and the deployer (the initial owner: `unimargin wire` hands
   * ownership to the spec's owner once everything is wired).
   */
  build(addressOf: (stepId: string) => Address, deployer: Address): ContractDeployment
}

/**
 * The steps that deploy `spec`: MarginHub on the hub chain, then a MarginVault per chain (each names the hub as its
 * emitter and peer). A further contract (a vault registry, say) is one more entry here.
 */
export function deploySteps(spec: DeploymentSpec): DeployStep[] {
  const hubChain = spec.chains.find((c) => c.name === spec.hub.chain)!
  const hub: DeployStep = {
    id: 'hub',
    chain: hubChain.name,
    build: (_, deployer) =>
      hubDeployment({
        wormhole: hubChain.wormhole.core,
        endpoint: hubChain.layerzero.endpoint,
        owner: deployer,
        consistencyLevel: spec.hub.consistencyLevel,
        publishers: spec.hub.publishers,
        coSigners: { signers: spec.hub.coSigners.signers, threshold: spec.hub.coSigners.threshold, delaySeconds: BigInt(spec.hub.coSigners.delaySeconds) },
      }),
  }
  const vaults = spec.chains.map(
    (c): DeployStep => ({
      id: `vault:${c.name}`,
      chain: c.name,
      build: (addressOf, deployer) =>
        vaultDeployment({
          wormhole: c.wormhole.core,
          hubWormholeChainId: hubChain.wormhole.chainId,
          hub: addressOf('hub'),
          endpoint: c.layerzero.endpoint,
          hubEid: hubChain.layerzero.eid,
          owner: deployer,
          escapeDelaySeconds: BigInt(c.vault.escapeDelaySeconds),
        }),
    }),
  )
  return [hub, ...vaults]
}
