export { lzReceiveArgs, type PacketDestination, sentPackets, verifyPacket } from './layerzero.js'
export { signPublishedMessages, signTestVaa, type TestVaaParams, vaaBody, vaaDigest } from './vaa.js'
