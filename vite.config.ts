import { reactRouter } from '@react-router/dev/vite'
import { defineConfig } from 'vite'

// `npm run dev` runs Vite in middleware mode inside app-server.ts (port,
// 405, cross-site refusal, headers: all there); this file configures the
// build and that middleware.
export default defineConfig({
	plugins: [reactRouter()],
	optimizeDeps: {
		// Vite's dependency scan reads the route modules whole, loaders and
		// actions included, so it finds the server's packages and would
		// pre-bundle them for the browser (and reload the page after the first
		// load of `npm run dev`). The browser never gets them: React Router
		// strips loaders, actions and *.server.ts imports from client code.
		// (PGlite also loads its WebAssembly relative to its own module.)
		exclude: [
			'@electric-sql/pglite',
			'better-auth',
			'drizzle-orm',
			'nodemailer',
			'pino',
			'postgres',
			'jose',
			'ua-parser-js',
			'lru-cache',
			'isbot',
		],
		// What the browser does load, pre-bundled from the start, so the first
		// page load does not discover it and reload.
		include: [
			'react',
			'react/jsx-dev-runtime',
			'react-dom',
			'react-dom/client',
			'react-router',
			'zod',
			'@conform-to/react',
			'@conform-to/zod/v4',
		],
	},
	ssr: { external: ['@electric-sql/pglite'] },
})
