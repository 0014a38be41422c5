/**
 * One place decides which Postgres a service talks to:
 * - `DATABASE_URL` set: a real Postgres through postgres.js (pooled);
 * - unset: an embedded PGlite persisted under `<dataDir>/<name>` (or in memory
 *   for `memory://`), so a fresh clone runs with nothing else installed.
 * Callers get a drizzle database and never learn which one it is.
 * Each service passes its own migrations folder and migrations table, so the
 * app and the task API can share one Postgres database without stepping on
 * each other.
 *
 * Behind PgBouncer in transaction mode (`pooler: 'pgbouncer'`, or a URL on
 * PgBouncer's port 6432), a client connection reaches a different server
 * connection for each transaction, so nothing may outlive a transaction:
 * - no prepared statements (postgres.js `prepare: false`; PgBouncer 1.18 does
 *   not carry them across transactions): every query is parsed each time
 *   and planned for its values;
 * - no startup parameters PgBouncer refuses (`plan_cache_mode`): customPlanDb
 *   is `db`, whose unprepared queries are planned for their values anyway;
 * - the migrations lock is transaction-scoped (held by an open transaction
 *   while the migrator runs on other connections), as it is without a pooler.
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs'
import path from 'node:path'
import { sql } from 'drizzle-orm'
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core'

export type Database<TSchema extends Record<string, unknown>> = PgDatabase<PgQueryResultHKT, TSchema>

/** What sits between a service and Postgres: nothing, or PgBouncer in transaction mode. */
export type Pooler = 'none' | 'pgbouncer'

/** PgBouncer's default port: a DATABASE_URL on it is taken to be PgBouncer unless DATABASE_POOLER says otherwise. */
export const PGBOUNCER_DEFAULT_PORT = '6432'

/** The pooler in front of `databaseUrl`: the one named (DATABASE_POOLER), else PgBouncer when the URL uses its port 6432. */
export function poolerFor(databaseUrl: string, named: Pooler | undefined): Pooler {
	if (named) return named
	return new URL(databaseUrl).port === PGBOUNCER_DEFAULT_PORT ? 'pgbouncer' : 'none'
}

/**
 * random_page_cost of the custom-plan connections (the searches). Postgres's
 * default, 4, prices reading a page out of order as a spinning disk would;
 * on SSDs, or with the data in memory, 1.1 is the usual setting. With 4, a
 * common term on a big table (2,000,000 tasks, "passport" in 6 % of them)
 * was planned as a bitmap of every match in the table (118,000) ANDed with
 * the list, 20–25 ms, where walking the list newest first finds a page in
 * 0.3 ms (`npm run bench:scale`). Behind PgBouncer these connections do not
 * exist: the server's own setting applies (docs/deployment.md).
 */
export const SEARCH_RANDOM_PAGE_COST = '1.1'

export type OpenDatabaseOptions<TSchema extends Record<string, unknown>> = {
	/** postgres:// URL; when undefined the embedded PGlite is used. */
	databaseUrl: string | undefined
	/** DATABASE_POOLER: unset means detected from the URL (poolerFor). Ignored without databaseUrl. */
	pooler?: Pooler | undefined
	/** Directory for the embedded database files (ignored with databaseUrl). */
	dataDir: string
	/** Service name: PGlite sub-directory and advisory-lock key. */
	name: string
	schema: TSchema
	migrationsFolder: string
	migrationsTable: string
	/** Pool size for postgres.js. */
	maxConnections?: number
	/** Pool size of `customPlanDb` on Postgres (its connections open when first used). */
	maxCustomPlanConnections?: number
}

export type OpenedDatabase<TSchema extends Record<string, unknown>> = {
	db: Database<TSchema>
	/**
	 * The same database, for a query whose best plan depends on its values
	 * (how common a search term is). On Postgres, `db` prepares each query
	 * once per connection, and after five runs Postgres may keep one
	 * generic plan for every value; these connections plan every run for
	 * its values (`plan_cache_mode = force_custom_plan`, and
	 * `random_page_cost` = SEARCH_RANDOM_PAGE_COST), with the query
	 * still prepared (one round trip; an unprepared query with parameters
	 * takes two in postgres.js). On PGlite it is `db`, which plans every
	 * run for its values already.
	 */
	customPlanDb: Database<TSchema>
	kind: 'postgres' | 'pglite'
	/** The pooler in front of Postgres ('none' for PGlite). */
	pooler: Pooler
	/** Runs pending migrations under a Postgres advisory lock (idempotent). */
	migrate: () => Promise<void>
	/** Answers when the database answers a trivial query. */
	ping: () => Promise<void>
	close: () => Promise<void>
}

/**
 * A database that cannot be used at start, said in one line with what to do
 * (the services print the message alone, not a stack).
 */
export class DatabaseStartupError extends Error {
	override name = 'DatabaseStartupError'
}

/**
 * The embedded database is held by another live process (its lock file):
 * `npm run admin` says so in its own words (stop the servers first).
 */
export class EmbeddedDatabaseInUseError extends DatabaseStartupError {
	override name = 'EmbeddedDatabaseInUseError'
	constructor(
		message: string,
		readonly ownerPid: number,
	) {
		super(message)
	}
}

/** The one-line reason a Postgres connection failed at start, or undefined for another error. */
export function describeConnectionError(error: unknown, databaseUrl: string): string | undefined {
	const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown }
	let url: URL | undefined
	try {
		url = new URL(databaseUrl)
	} catch {
		url = undefined
	}
	const name = url ? decodeURIComponent(url.pathname.slice(1)) || 'postgres' : 'the database'
	const where = url ? `${url.hostname || 'localhost'}:${url.port || '5432'}` : 'DATABASE_URL'
	// 3D000 invalid_catalog_name
	if (code === '3D000') return `database "${name}" does not exist — create it with: createdb ${name}`
	if (code === 'ECONNREFUSED') return `cannot connect to Postgres at ${where}: connection refused — is it running there? (DATABASE_URL)`
	if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `cannot connect to Postgres at ${where}: unknown host (DATABASE_URL)`
	if (code === 'CONNECT_TIMEOUT' || code === 'ETIMEDOUT') return `cannot connect to Postgres at ${where}: no answer (DATABASE_URL)`
	// 28P01 invalid_password, 28000 invalid_authorization_specification
	if (code === '28P01' || code === '28000') return `Postgres at ${where} refused the user or password in DATABASE_URL: ${String(message)}`
	return undefined
}

function isAlive(pid: number): boolean {
	try {
		process.kill(pid, 0)
		return true
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM'
	}
}

/**
 * PGlite has no lock of its own: a second process opening the same directory
 * aborts inside WebAssembly (or corrupts it). A lock file next to it holds
 * the owner's pid; a stale one (its process gone) is taken over.
 */
function lockEmbeddedDatabase(dataLocation: string, dataDir: string): () => void {
	const lockFile = `${dataLocation}.lock`
	for (let attempt = 0; attempt < 2; attempt++) {
		try {
			const fd = openSync(lockFile, 'wx')
			writeSync(fd, String(process.pid))
			closeSync(fd)
			const release = () => rmSync(lockFile, { force: true })
			process.once('exit', release)
			return () => {
				process.off('exit', release)
				release()
			}
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
			const owner = Number(readFileSync(lockFile, 'utf8').trim())
			if (owner === process.pid) return () => {}
			if (Number.isInteger(owner) && owner > 0 && isAlive(owner)) {
				throw new EmbeddedDatabaseInUseError(
					`the embedded database in ${dataDir} is in use by another Taskwell process (pid ${owner}) — stop it, or set DATA_DIR to another directory`,
					owner,
				)
			}
			rmSync(lockFile, { force: true })
		}
	}
	throw new DatabaseStartupError(`cannot lock the embedded database in ${dataDir} (${lockFile})`)
}

/** Stable 32-bit key for pg_advisory_lock, derived from the service name. */
function advisoryLockKey(name: string): number {
	let hash = 0
	for (const char of `taskwell:migrations:${name}`) {
		hash = (Math.imul(hash, 31) + char.charCodeAt(0)) | 0
	}
	return hash
}

export async function openDatabase<TSchema extends Record<string, unknown>>(
	options: OpenDatabaseOptions<TSchema>,
): Promise<OpenedDatabase<TSchema>> {
	const lockKey = advisoryLockKey(options.name)
	const migrationConfig = {
		migrationsFolder: options.migrationsFolder,
		migrationsTable: options.migrationsTable,
	}

	if (options.databaseUrl) {
		const { default: postgres } = await import('postgres')
		const { drizzle } = await import('drizzle-orm/postgres-js')
		const { migrate } = await import('drizzle-orm/postgres-js/migrator')
		const pooler = poolerFor(options.databaseUrl, options.pooler)
		const pooled = pooler === 'pgbouncer'
		const pool = { idle_timeout: 30, connect_timeout: 10, onnotice: () => {}, ...(pooled ? { prepare: false } : {}) }
		const client = postgres(options.databaseUrl, { ...pool, max: options.maxConnections ?? 10 })
		const db = drizzle(client, { schema: options.schema })
		const customPlanClient = pooled
			? null
			: postgres(options.databaseUrl, {
					...pool,
					max: options.maxCustomPlanConnections ?? options.maxConnections ?? 10,
					connection: { plan_cache_mode: 'force_custom_plan', random_page_cost: SEARCH_RANDOM_PAGE_COST },
				})
		const customPlanDb = customPlanClient ? drizzle(customPlanClient, { schema: options.schema }) : db
		const endAll = (timeout: number) => Promise.all([client.end({ timeout }), customPlanClient?.end({ timeout })])
		// Connect now, so a wrong DATABASE_URL is one clear line at start.
		try {
			await client`select 1`
		} catch (error) {
			const reason = describeConnectionError(error, options.databaseUrl)
			await endAll(1).catch(() => {})
			if (reason) throw new DatabaseStartupError(reason, { cause: error })
			throw error
		}
		return {
			db: db as unknown as Database<TSchema>,
			customPlanDb: customPlanDb as unknown as Database<TSchema>,
			kind: 'postgres',
			pooler,
			async migrate() {
				// An open transaction holds the lock while the migrator runs on
				// other connections of the pool; a second instance waits here.
				// Transaction-scoped, so it holds behind PgBouncer too (a
				// session lock there stays on whichever server connection took
				// it), and a crash releases it.
				await client.begin(async (lock) => {
					await lock`select pg_advisory_xact_lock(${lockKey})`
					await migrate(db, migrationConfig)
				})
			},
			async ping() {
				await client`select 1`
			},
			async close() {
				await endAll(5)
			},
		}
	}

	const { PGlite } = await import('@electric-sql/pglite')
	const { drizzle } = await import('drizzle-orm/pglite')
	const { migrate } = await import('drizzle-orm/pglite/migrator')
	let dataLocation: string
	let unlock = () => {}
	if (options.dataDir === 'memory://') {
		dataLocation = 'memory://'
	} else {
		dataLocation = path.resolve(options.dataDir, options.name)
		mkdirSync(dataLocation, { recursive: true })
		unlock = lockEmbeddedDatabase(dataLocation, options.dataDir)
	}
	// pg_trgm: the task API's search indexes (drizzle/tasks creates the extension).
	const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm')
	const client = await PGlite.create(dataLocation, { extensions: { pg_trgm } }).catch((error: unknown) => {
		unlock()
		throw error
	})
	const db = drizzle(client, { schema: options.schema })
	return {
		db: db as unknown as Database<TSchema>,
		customPlanDb: db as unknown as Database<TSchema>,
		kind: 'pglite',
		pooler: 'none',
		async migrate() {
			// PGlite is single-process (it holds its directory), but the same
			// lock keeps the code path identical to Postgres.
			await db.execute(sql`select pg_advisory_lock(${lockKey})`)
			try {
				await migrate(db, migrationConfig)
			} finally {
				await db.execute(sql`select pg_advisory_unlock(${lockKey})`)
			}
		},
		async ping() {
			await client.query('select 1')
		},
		async close() {
			await client.close()
			unlock()
		},
	}
}
