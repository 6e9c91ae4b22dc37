export { attesterFromConfig, type RunningNode, startNode, type StartNodeParameters } from './runtime/node.js'
export { runDemo, type RunDemoParameters } from './demo/index.js'
