/**
 * One place decides which Postgres a service talks to:
 * - `DATABASE_URL` set: a real Postgres through postgres.js (pooled);
 * - unset: an embedded PGlite persisted under `<dataDir>/<name>` (or in memory
 *   for `memory://`), so a fresh clone runs with nothing else installed.
 * Callers get a drizzle database and never learn which one it is.
 * Each service passes its own migrations folder and migrations table, so the
 * app and the task API can share one Postgres database without stepping on
 * each other.
 */
import { mkdirSync } from 'node:fs'
import path from 'node:path'
import { sql } from 'drizzle-orm'
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core'

export type Database<TSchema extends Record<string, unknown>> = PgDatabase<PgQueryResultHKT, TSchema>

export type OpenDatabaseOptions<TSchema extends Record<string, unknown>> = {
	/** postgres:// URL; when undefined the embedded PGlite is used. */
	databaseUrl: string | undefined
	/** Directory for the embedded database files (ignored with databaseUrl). */
	dataDir: string
	/** Service name: PGlite sub-directory and advisory-lock key. */
	name: string
	schema: TSchema
	migrationsFolder: string
	migrationsTable: string
	/** Pool size for postgres.js. */
	maxConnections?: number
}

export type OpenedDatabase<TSchema extends Record<string, unknown>> = {
	db: Database<TSchema>
	kind: 'postgres' | 'pglite'
	/** Runs pending migrations under a Postgres advisory lock (idempotent). */
	migrate: () => Promise<void>
	/** Answers when the database answers a trivial query. */
	ping: () => Promise<void>
	close: () => Promise<void>
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
		const client = postgres(options.databaseUrl, {
			max: options.maxConnections ?? 10,
			idle_timeout: 30,
			connect_timeout: 10,
			onnotice: () => {},
		})
		const db = drizzle(client, { schema: options.schema })
		return {
			db: db as unknown as Database<TSchema>,
			kind: 'postgres',
			async migrate() {
				// A reserved connection holds the session-level lock while the
				// migrator runs on the pool; a second instance waits here.
				const lockConnection = await client.reserve()
				try {
					await lockConnection`select pg_advisory_lock(${lockKey})`
					await migrate(db, migrationConfig)
				} finally {
					await lockConnection`select pg_advisory_unlock(${lockKey})`.catch(() => {})
					lockConnection.release()
				}
			},
			async ping() {
				await client`select 1`
			},
			async close() {
				await client.end({ timeout: 5 })
			},
		}
	}

	const { PGlite } = await import('@electric-sql/pglite')
	const { drizzle } = await import('drizzle-orm/pglite')
	const { migrate } = await import('drizzle-orm/pglite/migrator')
	let dataLocation: string
	if (options.dataDir === 'memory://') {
		dataLocation = 'memory://'
	} else {
		dataLocation = path.resolve(options.dataDir, options.name)
		mkdirSync(dataLocation, { recursive: true })
	}
	// pg_trgm: the task API's search indexes (drizzle/tasks creates the extension).
	const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm')
	const client = await PGlite.create(dataLocation, { extensions: { pg_trgm } })
	const db = drizzle(client, { schema: options.schema })
	return {
		db: db as unknown as Database<TSchema>,
		kind: 'pglite',
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
		},
	}
}
