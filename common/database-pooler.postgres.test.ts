/**
 * Both services behind PgBouncer in transaction mode (issue 25): a real
 * PgBouncer (tests/support/pgbouncer.ts) in front of this file's own, empty,
 * Postgres database. In transaction mode a client connection reaches another
 * server connection for each transaction, so a prepared statement made on
 * one is unknown on the next; `pooler: 'pgbouncer'` (DATABASE_POOLER) makes
 * common/database.ts keep nothing across transactions.
 *
 * The queries are made to switch servers under their client on purpose:
 * another client holds, in an open transaction, the server they used last
 * (PgBouncer hands out its most recently used server first). The control
 * shows what breaks without the setting: the connections that plan each
 * search for its values set plan_cache_mode at start, which PgBouncer
 * refuses (and a session-level migrations lock would stay on whichever
 * server connection took it).
 *
 * Postgres only (a `.postgres.test.ts` file: vitest.config.ts runs it only
 * with DATABASE_URL). Needs Debian's pgbouncer (.ci/run installs it).
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import postgres from 'postgres'
import { eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { APP_MIGRATIONS } from '#app/lib/db.server.ts'
import { schema, user } from '#app/lib/db/schema.ts'
import { missingPgBouncer, preparePgBouncer, startPgBouncer } from '#tests/support/pgbouncer.ts'
import { freePorts } from '#tests/cluster/processes.ts'
import { openDatabase, poolerFor, type OpenedDatabase } from './database.ts'

const databaseUrl = process.env.DATABASE_URL
if (!databaseUrl) throw new Error('this test needs DATABASE_URL (vitest.config.ts runs it only then)')
const missing = missingPgBouncer()
if (missing) throw new Error(missing)

const dir = mkdtempSync(path.join(tmpdir(), 'taskwell-pgbouncer-'))
const [port] = (await freePorts(1)) as [number]
const setup = preparePgBouncer(dir, databaseUrl, port)
/** This file's database, through PgBouncer. */
const bouncedUrl = setup.url(databaseUrl)
let bouncer: Awaited<ReturnType<typeof startPgBouncer>>
const opened: Array<OpenedDatabase<typeof schema>> = []
const clients: postgres.Sql[] = []

beforeAll(async () => {
	bouncer = await startPgBouncer(setup, port)
})

afterAll(async () => {
	for (const database of opened.splice(0)) await database.close()
	for (const client of clients.splice(0)) await client.end({ timeout: 1 })
	await bouncer?.stop()
	rmSync(dir, { recursive: true, force: true })
})

async function openPooled() {
	const database = await openDatabase({
		databaseUrl: bouncedUrl,
		pooler: 'pgbouncer',
		dataDir: '',
		name: 'app',
		schema,
		...APP_MIGRATIONS,
		maxConnections: 4,
	})
	opened.push(database)
	return database
}

/** The rows of db.execute() on Postgres (postgres.js: the result is the array). */
const rows = <T>(result: unknown) => result as T[]

/** A plain postgres.js client through PgBouncer, one connection. */
function bouncedClient(options: postgres.Options<Record<string, never>> = {}) {
	const client = postgres(bouncedUrl, { max: 1, onnotice: () => {}, ...options })
	clients.push(client)
	return client
}

/**
 * Runs `step` while another client holds, in an open transaction, the server
 * connection used last: `step`'s next transaction gets a different one.
 */
async function onAnotherServer<T>(step: () => Promise<T>): Promise<T> {
	const holder = bouncedClient()
	let release!: () => void
	const released = new Promise<void>((resolve) => (release = resolve))
	let held!: () => void
	const holding = new Promise<void>((resolve) => (held = resolve))
	const transaction = holder.begin(async (tx) => {
		await tx`select 1`
		held()
		await released
	})
	await holding
	try {
		return await step()
	} finally {
		release()
		await transaction
	}
}

test('the control: without DATABASE_POOLER, the pool of planned-per-value queries cannot even connect through PgBouncer', async () => {
	const database = await openDatabase({
		databaseUrl: bouncedUrl,
		pooler: 'none',
		dataDir: '',
		name: 'app',
		schema,
		...APP_MIGRATIONS,
		maxConnections: 2,
	})
	opened.push(database)
	await database.ping()
	// Its connections set plan_cache_mode at start, which PgBouncer refuses.
	const error = await database.customPlanDb.execute(sql`select 1`).then(
		() => null,
		(failure: Error) => failure,
	)
	expect(String((error?.cause as Error | undefined)?.message ?? error?.message)).toMatch(/unsupported startup parameter: plan_cache_mode/)
})

test('DATABASE_POOLER=pgbouncer: migrations from two instances at once, then queries that move between server connections', async () => {
	const first = await openPooled()
	const second = await openPooled()
	expect(first.pooler).toBe('pgbouncer')
	// No second pool with a startup parameter PgBouncer refuses.
	expect(first.customPlanDb).toBe(first.db)

	// Two instances starting at once on an empty database (the lock is a transaction's).
	await Promise.all([first.migrate(), second.migrate(), first.migrate()])
	const [applied] = rows<{ count: number; distinct: number }>(
		await first.db.execute(sql`select count(*)::int as count, count(distinct hash)::int as distinct from drizzle.__drizzle_migrations_app`),
	)
	expect(applied).toEqual({
		count: readdirSync(APP_MIGRATIONS.migrationsFolder).filter((name) => name.endsWith('.sql')).length,
		distinct: applied?.count,
	})

	// A named drizzle prepared query (the task API's account_blocks is one) and
	// plain ones, each before and after a move to another server connection.
	const byEmail = first.db
		.select({ id: user.id })
		.from(user)
		.where(eq(user.email, sql.placeholder('email')))
		.prepare('user_by_email')
	await first.db.insert(user).values({ id: 'pooled-user', name: 'Pooled', email: 'pooled@example.com', emailVerified: true })
	expect(await byEmail.execute({ email: 'pooled@example.com' })).toEqual([{ id: 'pooled-user' }])
	const afterMove = await onAnotherServer(async () => ({
		named: await byEmail.execute({ email: 'pooled@example.com' }),
		plain: await first.db.select({ id: user.id }).from(user).where(eq(user.id, 'pooled-user')),
		transaction: await first.db.transaction(async (tx) => {
			await tx.update(user).set({ name: 'Pooled again' }).where(eq(user.id, 'pooled-user'))
			return tx.select({ name: user.name }).from(user).where(eq(user.id, 'pooled-user'))
		}),
	}))
	expect(afterMove).toEqual({ named: [{ id: 'pooled-user' }], plain: [{ id: 'pooled-user' }], transaction: [{ name: 'Pooled again' }] })

	// Many at once, on both instances' pools.
	const many = await Promise.all(
		Array.from({ length: 40 }, (_, i) => (i % 2 ? first : second).db.execute(sql`select ${i}::int as n, pg_sleep(0.005)`)),
	)
	expect(many.map((result) => rows<{ n: number }>(result)[0]?.n)).toEqual(Array.from({ length: 40 }, (_, i) => i))
})

test('a URL on port 6432 is taken to be PgBouncer unless DATABASE_POOLER says otherwise', () => {
	expect(poolerFor('postgres://app@db.internal:6432/taskwell', undefined)).toBe('pgbouncer')
	expect(poolerFor('postgres://app@db.internal:6432/taskwell', 'none')).toBe('none')
	expect(poolerFor('postgres://app@db.internal:5432/taskwell', undefined)).toBe('none')
	expect(poolerFor('postgres://app@db.internal/taskwell', 'pgbouncer')).toBe('pgbouncer')
})
