#!/usr/bin/env sh
# `bench/portfolio.ts` as a deployment would run it: bundled into plain ES modules and run by Node without a
# TypeScript loader (tsx adds about 40 MB to the process). Layout: the bench in dist/node/portfolio/ beside the
# worker entry, the task bundle in dist/ where batchWorkers.ts looks for the package's build (three levels up).
# Arguments are passed on: [accounts] [runs] [workers].
set -e
cd "$(dirname "$0")"
esbuild=../packages/risk/node_modules/.bin/esbuild
$esbuild portfolio.ts --bundle --format=esm --platform=node --target=node20 --log-level=warning --outfile=dist/node/portfolio/portfolio.mjs \
  "--banner:js=import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);"
$esbuild ../packages/risk/src/portfolio/batch/batchTask.ts --bundle --format=esm --platform=node --target=node20 --log-level=warning --outfile=dist/batchTask.mjs
cp ../packages/risk/src/portfolio/batch/batchWorker.mjs dist/node/portfolio/
exec node dist/node/portfolio/portfolio.mjs "$@"
