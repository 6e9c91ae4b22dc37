import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'

// served by the node's API under /ui (services/aggregator: createApi's `dashboardDir`)
export default defineConfig({
  base: '/ui/',
  root: 'app',
  plugins: [react()],
  build: { outDir: '../dist', emptyOutDir: true, chunkSizeWarningLimit: 1024 },
})
