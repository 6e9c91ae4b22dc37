import { fileURLToPath } from 'node:url'

/**
 * Absolute path of the dashboard's built files (`dist/`, made by `pnpm build` with Vite): `index.html` and its
 * hashed `assets/`. The API serves them under `/ui`; the folder is absent until the package is built.
 */
export const dashboardDir: string = fileURLToPath(new URL('../dist', import.meta.url))

/** The path the API serves the dashboard under; the built pages load their assets relative to it. */
export const DASHBOARD_BASE_PATH = '/ui'
