export { attesterFromConfig, type RunningNode, startNode, type StartNodeParameters } from './runtime/node.js'
export { type LocalCoSigners, startLocalCoSigners, type StartLocalCoSignersParameters } from './runtime/cosigners.js'
export { runDemo, type RunDemoParameters } from './demo/index.js'
export { ChainNotHaltedError, type ChainSummary, listChains, resumeChain, type ResumeChainParameters, type ResumeResult } from './operator/chains.js'
