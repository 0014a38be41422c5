/**
 * The pool a service opens on Postgres (common/database.ts, postgres.js)
 * comes back whole after its connections are killed, as a Postgres restart
 * kills them: the queries in flight fail, and the next query on each
 * connection reconnects and succeeds.
 *
 * postgres.js 3.4.x, unpatched (patches/postgres+3.4.9.patch, see
 * docs/decisions/0005-patch-package-for-postgres-js.md), got two things
 * wrong here, each pinned by a test below:
 * - it kept the error a dying backend sent just before it closed (57P01
 *   "terminating connection due to administrator command") and replayed it
 *   onto the first query of the reconnected connection, whenever that came:
 *   seconds or hours later, a request failed for a restart long over
 *   (porsager/postgres#1223; the cluster test saw it as a 503 at its end);
 * - it kept the killed query as the connection's one in flight, so closing
 *   the pool (a graceful stop) waited for its answer until end()'s timeout
 *   (5 s here), then destroyed the connections.
 * pg_terminate_backend on busy connections is what a restart does to them,
 * without the restart.
 *
 * Postgres only (a `.postgres.test.ts` file: vitest.config.ts leaves it out
 * without DATABASE_URL); PGlite has no connections to lose.
 */
import path from 'node:path'
import postgres from 'postgres'
import { sql } from 'drizzle-orm'
import { afterAll, expect, test } from 'vitest'
import { openDatabase, type OpenedDatabase } from './database.ts'

const databaseUrl = process.env.DATABASE_URL
if (!databaseUrl) throw new Error('this test needs DATABASE_URL (vitest.config.ts runs it only then)')

const CONNECTIONS = 4
const admin = postgres(databaseUrl, { max: 1, onnotice: () => {} })
const opened: OpenedDatabase<Record<string, never>>[] = []

afterAll(async () => {
	for (const database of opened.splice(0)) await database.close()
	await admin.end()
})

async function open(): Promise<OpenedDatabase<Record<string, never>>> {
	const database = await openDatabase({
		databaseUrl: databaseUrl!,
		dataDir: '',
		name: 'reconnect-test',
		schema: {},
		migrationsFolder: path.resolve('drizzle', 'app'),
		migrationsTable: '__drizzle_migrations_reconnect_test',
		maxConnections: CONNECTIONS,
	})
	opened.push(database)
	return database
}

/** Every connection of `database` busy, then every backend terminated under it; the queries' outcomes. */
async function killEveryConnectionMidQuery(database: OpenedDatabase<Record<string, never>>): Promise<string[]> {
	const marker = `pg_sleep(30.${opened.indexOf(database) + 1})`
	const inFlight = Array.from({ length: CONNECTIONS }, () =>
		database.db.execute(sql.raw(`select ${marker}`)).then(
			() => 'answered',
			() => 'failed',
		),
	)
	const like = `%${marker}%`
	for (let tries = 0; ; tries++) {
		const [row] = await admin<[{ n: number }]>`
			select count(*)::int as n from pg_stat_activity
			where datname = current_database() and pid <> pg_backend_pid() and query like ${like} and state = 'active'`
		if (row.n >= CONNECTIONS) break
		if (tries > 200) throw new Error(`${CONNECTIONS} sleeping backends never showed up`)
		await new Promise((resolve) => setTimeout(resolve, 25))
	}
	await admin`
		select pg_terminate_backend(pid) from pg_stat_activity
		where datname = current_database() and pid <> pg_backend_pid() and query like ${like}`
	return Promise.all(inFlight)
}

test('after every connection of the pool is killed mid-query, the next queries all succeed', async () => {
	const database = await open()
	expect(await killEveryConnectionMidQuery(database)).toEqual(Array(CONNECTIONS).fill('failed'))

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

test('a pool whose connections were killed mid-query closes at once, without waiting for their answers', async () => {
	const database = await open()
	expect(await killEveryConnectionMidQuery(database)).toEqual(Array(CONNECTIONS).fill('failed'))
	// close() gives each connection 5 s to finish before destroying it: a
	// close that waits for a killed query's answer runs into that, one that
	// knows the query is over returns in milliseconds. (A hang, not a speed
	// goal: the bound is most of the 5 s.)
	const closed = await Promise.race([
		database.close().then(() => 'closed'),
		new Promise((resolve) => setTimeout(resolve, 4000, 'still waiting after 4 s')),
	])
	opened.splice(opened.indexOf(database), 1)
	expect(closed).toBe('closed')
})
