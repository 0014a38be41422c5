/**
 * The task API process: reads and validates the environment, opens and
 * migrates its database, listens on TASKS_API_HOST:TASKS_API_PORT, and shuts
 * down gracefully on SIGTERM/SIGINT (stop accepting, /readyz 503, finish
 * in-flight requests for up to 10 s, close the pool, exit 0).
 * Run from the repository root: migrations are read from TASKS_MIGRATIONS_DIR
 * (default ./drizzle/tasks, relative to the working directory).
 */
import type { Server } from 'node:http'
import { serve } from '@hono/node-server'
import { DatabaseStartupError, openDatabase } from '#common/database.ts'
import { EnvError } from '#common/env.ts'
import { trackConnections } from '#common/graceful-stop.ts'
import { createLogger } from '#common/logger.ts'
import { createApp } from './app.ts'
import { createTokenVerifier } from './auth/verify-token.ts'
import { startCleanup } from './cleanup.ts'
import { schema } from './db/schema.ts'
import { readTasksApiEnv, type TasksApiEnv } from './env.ts'

const SHUTDOWN_GRACE_MS = 10_000
/** Set on SIGTERM/SIGINT: /readyz answers 503 from then on. */
let shuttingDown = false

let env: TasksApiEnv
try {
	env = readTasksApiEnv()
} catch (error) {
	if (error instanceof EnvError) {
		console.error(error.message)
		process.exit(1)
	}
	throw error
}

const logger = createLogger('tasks-api', env.LOG_LEVEL)

const database = await openDatabase({
	databaseUrl: env.DATABASE_URL,
	pooler: env.DATABASE_POOLER,
	dataDir: env.DATA_DIR,
	name: 'tasks',
	schema,
	migrationsFolder: env.TASKS_MIGRATIONS_DIR,
	migrationsTable: '__drizzle_migrations_tasks',
}).catch((error: unknown) => {
	// A missing database, a refused connection, the embedded one in use: one line.
	if (error instanceof DatabaseStartupError) console.error(error.message)
	else logger.fatal({ err: error }, 'cannot open the database')
	process.exit(1)
})
try {
	await database.migrate()
} catch (error) {
	logger.fatal({ err: error }, 'cannot apply the migrations')
	await database.close().catch(() => {})
	process.exit(1)
}

const app = createApp({
	db: database.db,
	customPlanDb: database.customPlanDb,
	pingDatabase: database.ping,
	verifier: createTokenVerifier({
		jwksUrl: env.AUTH_JWKS_URL,
		issuer: env.AUTH_ISSUER,
		audience: env.TASKS_API_AUDIENCE,
		minFetchIntervalMs: env.AUTH_JWKS_COOLDOWN_MS,
	}),
	logger,
	isStopping: () => shuttingDown,
	limits: { maxTasksPerUser: env.TASKS_MAX_PER_USER, createsPerMinute: env.TASKS_CREATES_PER_MINUTE },
	workspaceLimits: { maxTasks: env.WORKSPACE_MAX_TASKS, maxMembers: env.WORKSPACE_MAX_MEMBERS, perAccount: env.WORKSPACES_PER_ACCOUNT },
})
const stopCleanup = startCleanup(database.db, logger)

const server = serve({ fetch: app.fetch, port: env.TASKS_API_PORT, hostname: env.TASKS_API_HOST }, (info) => {
	logger.info(
		{
			address: info.address,
			port: info.port,
			database: database.kind,
			...(database.pooler === 'none' ? {} : { pooler: database.pooler }),
			jwks: env.AUTH_JWKS_URL,
			issuer: env.AUTH_ISSUER,
		},
		'task API listening',
	)
}) as Server
// Slow or stalled clients cannot hold a connection forever.
server.requestTimeout = 30_000
server.headersTimeout = 15_000
server.keepAliveTimeout = 5_000
const connections = trackConnections(server)
server.on('error', (error) => {
	logger.fatal({ err: error }, 'cannot listen')
	void database.close().finally(() => process.exit(1))
})

async function shutdown(signal: string) {
	if (shuttingDown) return
	shuttingDown = true
	logger.info({ signal }, 'shutting down: finishing in-flight requests')
	const { forced } = await connections.stop(SHUTDOWN_GRACE_MS)
	if (forced) logger.warn('in-flight requests did not finish in time; their connections were closed')
	// A clean-up run in flight stops after its current batch and releases its lease.
	await stopCleanup()
	await database.close().catch((error: unknown) => logger.error({ err: error }, 'closing the database failed'))
	logger.info('stopped')
	process.exit(0)
}
process.once('SIGTERM', () => void shutdown('SIGTERM'))
process.once('SIGINT', () => void shutdown('SIGINT'))
