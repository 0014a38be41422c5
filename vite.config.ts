import { reactRouter } from '@react-router/dev/vite'
import { defineConfig } from 'vite'

// `npm run dev` runs Vite in middleware mode inside app-server.ts (port,
// 405, cross-site refusal, headers: all there); this file configures the
// build and that middleware.
export default defineConfig({
	plugins: [reactRouter()],
	// PGlite loads its WebAssembly and data files relative to its own module:
	// keep it out of Vite's dependency optimiser.
	optimizeDeps: { exclude: ['@electric-sql/pglite'] },
	ssr: { external: ['@electric-sql/pglite'] },
})
