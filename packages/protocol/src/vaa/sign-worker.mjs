// Signs VAA digests with the guardian keys given in `workerData.keys` (32-byte Uint8Arrays), off the thread that
// asked, as guardians sign elsewhere: each message `{ id, digest }` is answered `{ id, signatures }` with one
// `{ r, s, recovery }` (bigint, bigint, 0 | 1) per key in order (secp256k1, RFC 6979, low-s), or `{ id, error }`.
import { parentPort, workerData } from 'node:worker_threads'
import { secp256k1 } from '@noble/curves/secp256k1'

parentPort.on('message', ({ id, digest }) => {
  try {
    const signatures = workerData.keys.map((key) => {
      const sig = secp256k1.sign(digest, key, { lowS: true })
      return { r: sig.r, s: sig.s, recovery: sig.recovery }
    })
    parentPort.postMessage({ id, signatures })
  } catch (error) {
    parentPort.postMessage({ id, error: String(error) })
  }
})
