export { addressToBytes32, bytes32ToAddress } from './address.js'
export { LayerZeroCodecError } from './errors.js'
export { commandOptions, decodeLzReceiveOption, LZ_RECEIVE_GAS, lzReceiveOptions, splitOptions, toType3Options } from './options.js'
export { type DecodedPacket, decodePacket, encodePacket, PACKET_VERSION, type Packet, type PacketHeader, packetGuid, workerDelivery } from './packet.js'
