import { reactRouter } from '@react-router/dev/vite'
import { defineConfig } from 'vite'

export default defineConfig({
	plugins: [reactRouter()],
	server: {
		port: Number(process.env.PORT ?? 5173),
		strictPort: true,
	},
	// PGlite loads its WebAssembly and data files relative to its own module:
	// keep it out of Vite's dependency optimiser.
	optimizeDeps: { exclude: ['@electric-sql/pglite'] },
	ssr: { external: ['@electric-sql/pglite'] },
	build: { sourcemap: false },
})
