// `npm run dev`: the app (app-server.ts, the same server as in production,
// with Vite in middleware mode for HMR) and the task API (restarted on
// change), side by side, on the embedded database unless DATABASE_URL says
// otherwise. The app is at http://localhost:5173 (DEV_PORT).
import concurrently from 'concurrently'

const port = process.env.DEV_PORT ?? '5173'
const env = {
	NODE_ENV: 'development',
	PORT: port,
	BETTER_AUTH_URL: process.env.BETTER_AUTH_URL ?? `http://localhost:${port}`,
	// The app listens on :: (IPv4 too, where the system allows); "localhost"
	// reaches it either way.
	AUTH_JWKS_URL: process.env.AUTH_JWKS_URL ?? `http://localhost:${port}/api/auth/jwks`,
	// A person watches these logs: one readable line per request (common/logger.ts).
	LOG_FORMAT: process.env.LOG_FORMAT ?? 'pretty',
}

const { result } = concurrently(
	[
		{ name: 'app', command: 'tsx app-server.ts', env, prefixColor: 'green' },
		{ name: 'api', command: 'tsx watch --clear-screen=false server/index.ts', env, prefixColor: 'blue' },
	],
	{ killOthersOn: ['failure'], prefix: 'name' },
)
result.catch(() => process.exit(1))
