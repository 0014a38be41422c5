/**
 * The database chooser and the migration runner, on whichever database this
 * run uses (a fresh Postgres database with DATABASE_URL, else PGlite).
 */
import { sql } from 'drizzle-orm'
import { afterAll, expect, test } from 'vitest'
import { APP_MIGRATIONS } from '#app/lib/db.server.ts'
import { schema } from '#app/lib/db/schema.ts'
import { openDatabase, type OpenedDatabase } from './database.ts'

const opened: Array<OpenedDatabase<typeof schema>> = []
afterAll(async () => {
	for (const database of opened.splice(0)) await database.close()
})

function open() {
	return openDatabase({
		databaseUrl: process.env.DATABASE_URL,
		dataDir: process.env.DATA_DIR ?? '.data',
		name: 'migrations-test',
		schema,
		...APP_MIGRATIONS,
	}).then((database) => {
		opened.push(database)
		return database
	})
}

async function appliedMigrations(database: OpenedDatabase<typeof schema>) {
	const result = await database.db.execute<{ count: number }>(sql`select count(*)::int as count from drizzle.__drizzle_migrations_app`)
	const rows = Array.isArray(result) ? result : (result as { rows: Array<{ count: number }> }).rows
	return rows[0]?.count
}

test('migrations are idempotent, and concurrent runs (two instances starting) do not collide', async () => {
	const first = await open()
	if (first.kind === 'postgres') {
		// Two "instances" on one Postgres, migrating at the same moment.
		const second = await open()
		await Promise.all([first.migrate(), second.migrate(), first.migrate()])
		expect(await appliedMigrations(second)).toBeGreaterThan(0)
	} else {
		// PGlite belongs to one process; run the migrator twice in a row.
		await first.migrate()
		await first.migrate()
	}
	const count = await appliedMigrations(first)
	await first.migrate()
	expect(await appliedMigrations(first)).toBe(count)
	await first.ping()
	// The schema is there and usable.
	await first.db.insert(schema.authThrottle).values({ key: 'k', count: 1, windowEndsAt: new Date() })
	expect(await first.db.select().from(schema.authThrottle)).toHaveLength(1)
})

test('DATABASE_URL picks postgres.js; without it the embedded PGlite', async () => {
	const database = opened[0] ?? (await open())
	expect(database.kind).toBe(process.env.DATABASE_URL ? 'postgres' : 'pglite')
})
