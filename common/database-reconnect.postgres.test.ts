/**
 * The pool a service opens on Postgres (common/database.ts, postgres.js)
 * comes back whole after its connections are killed, as a Postgres restart
 * kills them: the queries in flight fail, and the next query on each
 * connection reconnects and succeeds.
 *
 * postgres.js 3.4.x kept the error a dying backend sent just before it
 * closed (57P01 "terminating connection due to administrator command") and
 * replayed it onto the first query of the reconnected connection, whenever
 * that came: seconds or hours later, a request failed for a restart long
 * over (porsager/postgres#1223; patches/postgres+3.4.9.patch, see
 * docs/decisions/0005-patch-package-for-postgres-js.md). The cluster test
 * saw it as a 503 at its end; this test pins it without a restart:
 * pg_terminate_backend on busy connections is what a restart does to them.
 *
 * Postgres only (a `.postgres.test.ts` file: vitest.config.ts leaves it out
 * without DATABASE_URL); PGlite has no connections to lose.
 */
import path from 'node:path'
import postgres from 'postgres'
import { sql } from 'drizzle-orm'
import { afterAll, expect, test } from 'vitest'
import { openDatabase } from './database.ts'

const databaseUrl = process.env.DATABASE_URL
if (!databaseUrl) throw new Error('this test needs DATABASE_URL (vitest.config.ts runs it only then)')

const CONNECTIONS = 4
const database = await openDatabase({
	databaseUrl,
	dataDir: '',
	name: 'reconnect-test',
	schema: {},
	migrationsFolder: path.resolve('drizzle', 'app'),
	migrationsTable: '__drizzle_migrations_reconnect_test',
	maxConnections: CONNECTIONS,
})
const admin = postgres(databaseUrl, { max: 1, onnotice: () => {} })

afterAll(async () => {
	await database.close()
	await admin.end()
})

/** Waits until `count` backends of this database run pg_sleep. */
async function sleepingBackends(count: number): Promise<void> {
	for (let tries = 0; tries < 200; tries++) {
		const [row] = await admin<[{ n: number }]>`
			select count(*)::int as n from pg_stat_activity
			where datname = current_database() and pid <> pg_backend_pid() and query like '%pg_sleep(30)%' and state = 'active'`
		if (row.n >= count) return
		await new Promise((resolve) => setTimeout(resolve, 25))
	}
	throw new Error(`${count} sleeping backends never showed up`)
}

test('after every connection of the pool is killed mid-query, the next queries all succeed', async () => {
	// Every connection busy, then every backend terminated under it.
	const inFlight = Array.from({ length: CONNECTIONS }, () =>
		database.db.execute(sql`select pg_sleep(30)`).then(
			() => 'answered',
			() => 'failed',
		),
	)
	await sleepingBackends(CONNECTIONS)
	await admin`
		select pg_terminate_backend(pid) from pg_stat_activity
		where datname = current_database() and pid <> pg_backend_pid() and query like '%pg_sleep(30)%'`
	expect(await Promise.all(inFlight)).toEqual(Array(CONNECTIONS).fill('failed'))

	// A moment later, one query per connection (each reconnects): none may
	// fail with the killed backend's error.
	await new Promise((resolve) => setTimeout(resolve, 100))
	const next = await Promise.allSettled(
		Array.from({ length: CONNECTIONS }, (_, i) => database.db.execute(sql`select ${i}::int as i, pg_sleep(0.05)`)),
	)
	const failures = next.flatMap((result) => {
		if (result.status === 'fulfilled') return []
		const cause = (result.reason as { cause?: { code?: string; message?: string } }).cause
		return [`${cause?.code ?? ''} ${cause?.message ?? String(result.reason)}`]
	})
	expect(failures).toEqual([])
	// And the pool keeps serving.
	await expect(database.ping()).resolves.toBeUndefined()
})
