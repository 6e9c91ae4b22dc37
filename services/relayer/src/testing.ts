import type { Devnet } from '@unimargin/devnet'
import { signCommand } from '@unimargin/protocol'
import type { Hex } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import type { CoSigners } from './cosign.js'

/**
 * Co-signatures for the transport suites, straight from the devnet's co-signer keys (the first `threshold`, MarginHub's on the devnet), with no
 * checks: these suites (and other packages' tests that drive the relayer) push arbitrary commands through the transports. What co-signer services check, and the
 * relayer asking them over HTTP, is tested in `services/cosigner`.
 */
export function devnetKeyCoSigners(devnet: Devnet, threshold = 2): CoSigners {
  const accounts = devnet.keys.coSigners.slice(0, threshold).map((k: Hex) => privateKeyToAccount(k))
  const hub = { chainId: devnet.hub.chainId, hub: devnet.hub.address }
  return {
    async request(command, signed) {
      const missing = accounts.filter((a) => !signed.has(a.address.toLowerCase()))
      return { signatures: await Promise.all(missing.map((a) => signCommand(command.payload as Hex, a, hub))), refusals: [] }
    },
  }
}
