import { loadFileWith } from '@unimargin/chains'
import { type DeploymentSpec, type DeploymentSpecInput, defineDeployment } from './spec.js'

/**
 * Loads a deployment spec from JSON or a TypeScript/JavaScript module (default export), as the node's configuration
 * is loaded: `.env` beside the file first, secrets named `{ "$env": … }` / `{ "$keystore": … }` resolved, keystore
 * paths relative to the file.
 * @throws {DeploymentSpecError} listing every invalid field by path; {ConfigError} for a missing file or a module
 *   that does not load; {SyntaxError} for bad JSON.
 */
export function loadDeploymentFile(file: string): Promise<DeploymentSpec> {
  return loadFileWith(file, (input, source) => defineDeployment(input as DeploymentSpecInput, source))
}
