export { type Anvil, type AnvilOptions, startAnvil } from '../anvil/index.js'
export { lzReceiveArgs, type PacketDestination, sentPackets, verifyPacket } from './layerzero.js'
export { signPublishedMessages, signTestVaa, type TestVaaParams, vaaBody, vaaDigest } from './vaa.js'
export { coSign, coSignWithKeys } from './cosign.js'
