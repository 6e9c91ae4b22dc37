export { commandDomain, commandMessage, hashCommand, orderCoSignatures, recoverCommandSigner, signCommand } from './sign.js'
export { type CoSignature, type CommandDomain, type CommandMessage, commandTypes, type HubLocation } from './types.js'
export { type CheckpointEvidence, type CheckpointEvidenceWire, encodeCheckpointEvidence, type EvidenceLeaf, type EvidenceLeafWire, type OtherVaultEvidence } from './evidence.js'
