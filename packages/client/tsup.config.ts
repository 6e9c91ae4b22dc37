import { defineConfig } from 'tsup'

// The workspace's private packages the SDK uses (the error base, position-report signing) are bundled into dist,
// code and declarations, so the published package depends only on registry packages. The declaration bundler
// resolves them through these paths (their package.json exports point at TypeScript sources).
const bundled = [/^@unimargin\//]
const sources = {
  '@unimargin/errors': ['../errors/src/index.ts'],
  '@unimargin/protocol/position-report': ['../protocol/src/position-report/index.ts'],
}

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm'],
  target: 'es2022',
  platform: 'neutral',
  dts: { compilerOptions: { paths: sources } },
  noExternal: bundled,
  clean: true,
  sourcemap: true,
  treeshake: true,
})
