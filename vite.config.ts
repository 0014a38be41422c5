import { reactRouter } from '@react-router/dev/vite'
import { defineConfig, type Plugin } from 'vite'
import {
	allowedOrigins,
	CROSS_SITE_REFUSAL,
	isSafeMethod,
	isSameOriginRequest,
} from './app/lib/csrf.server.ts'
import { ALLOW_HEADER, isAllowedMethod, METHOD_NOT_ALLOWED_MESSAGE } from './app/lib/http-methods.server.ts'

const port = Number(process.env.DEV_PORT ?? process.env.PORT ?? 5173)
// In dev the public URL is Vite's own unless said otherwise; set it before
// the app's modules read the environment (they load in this process).
process.env.PORT ??= String(port)
process.env.BETTER_AUTH_URL ??= `http://localhost:${port}`

/** The production server's 405 and cross-site POST refusal, for `react-router dev`. */
function refuseCrossSitePosts(): Plugin {
	const origins = allowedOrigins(process.env.BETTER_AUTH_URL!)
	return {
		name: 'taskwell:refuse-cross-site-posts',
		configureServer(server) {
			server.middlewares.use((req, res, next) => {
				const headers = {
					get: (name: string) => {
						const value = req.headers[name]
						return Array.isArray(value) ? value[0] : value
					},
				}
				// The production server's 405 (TRACE, PUT, …; see app-server.ts).
				if (!isAllowedMethod(req.method)) {
					res.statusCode = 405
					res.setHeader('allow', ALLOW_HEADER)
					res.setHeader('content-type', 'text/plain; charset=utf-8')
					return res.end(METHOD_NOT_ALLOWED_MESSAGE)
				}
				if (isSafeMethod(req.method ?? 'GET') || isSameOriginRequest({ headers }, origins)) return next()
				res.statusCode = 403
				res.setHeader('content-type', 'text/plain; charset=utf-8')
				res.end(CROSS_SITE_REFUSAL)
			})
		},
	}
}

export default defineConfig({
	plugins: [refuseCrossSitePosts(), reactRouter()],
	server: { port, strictPort: true },
	// PGlite loads its WebAssembly and data files relative to its own module:
	// keep it out of Vite's dependency optimiser.
	optimizeDeps: { exclude: ['@electric-sql/pglite'] },
	ssr: { external: ['@electric-sql/pglite'] },
})
