/**
 * The contract tests run on the real devnet. `@unimargin/devnet` depends on this package's artifacts, so it is
 * imported by path rather than as a dependency (a package cycle would break the workspace build graph).
 */
export * from '../../packages/devnet/src/index.js'
export * from '../../packages/devnet/src/testing/index.js'
