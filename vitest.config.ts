import { defineConfig } from 'vitest/config'

// Vitest runs without the React Router Vite plugin: it imports route modules
// (loaders and actions) directly and calls them with real Requests.
export default defineConfig({
	test: {
		include: [
			'app/**/*.test.{ts,tsx}',
			'common/**/*.test.ts',
			'tests/api/**/*.test.ts',
			'tests/integration/**/*.test.ts',
			'tests/cli/**/*.test.ts',
		],
		// `*.postgres.test.ts`: tests of the Postgres driver itself (postgres.js
		// connections) and of what only its pools do (the search connections'
		// settings), which PGlite does not use: run only with DATABASE_URL.
		exclude: ['**/node_modules/**', ...(process.env.DATABASE_URL ? [] : ['**/*.postgres.test.ts'])],
		// One migrated template database for the run; each file gets a copy.
		globalSetup: ['./tests/support/database-template.ts'],
		setupFiles: ['./tests/support/fresh-database.ts'],
		pool: 'forks',
		testTimeout: 30_000,
		hookTimeout: 60_000,
		// Two cores: two files at a time keeps PGlite start-up from thrashing.
		maxWorkers: 2,
		env: { LOG_LEVEL: 'silent' },
	},
})
