/**
 * `npm run cleanup` (scripts/cleanup.ts) as an operator runs it, against
 * this file's database: with only the database variables set (the app's
 * own environment would refuse to start with them), a skipped run, a
 * database without the lease table, and bad usage. The database is closed
 * while the command runs: the embedded one serves one process at a time.
 */
import { execFile } from 'node:child_process'
import path from 'node:path'
import { sql } from 'drizzle-orm'
import { expect, test } from 'vitest'
import { appCleanupLease, session, user } from '#app/lib/db/schema.ts'
import { openDatabase } from '#common/database.ts'
import { taskApiCleanupLease } from '#server/db/schema.ts'

type Outcome = { code: number; stdout: string; stderr: string }

/** The command with nothing but the database variables (and a deployed BETTER_AUTH_URL the app would refuse without its secrets). */
function cleanup(...args: string[]): Promise<Outcome> {
	const env: Record<string, string> = { PATH: process.env.PATH ?? '', BETTER_AUTH_URL: 'https://taskwell.example' }
	for (const name of ['DATABASE_URL', 'DATA_DIR'] as const) if (process.env[name]) env[name] = process.env[name]
	return new Promise((resolve) => {
		execFile(process.execPath, ['--import', 'tsx', 'scripts/cleanup.ts', ...args], { env, timeout: 60_000 }, (error, stdout, stderr) => {
			resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr })
		})
	})
}

/** Runs `work` on the service's database, closed again afterwards. */
async function withDatabase(name: 'app' | 'tasks', work: (db: Awaited<ReturnType<typeof openDatabase>>['db']) => Promise<void>) {
	const database = await openDatabase({
		databaseUrl: process.env.DATABASE_URL,
		dataDir: process.env.DATA_DIR ?? '.data',
		name,
		schema: {},
		migrationsFolder: path.resolve('drizzle', name),
		migrationsTable: `__drizzle_migrations_${name}`,
		maxConnections: 1,
	})
	try {
		await work(database.db)
	} finally {
		await database.close()
	}
}

test('usage: one of --app or --api', async () => {
	for (const args of [[], ['--app', '--api'], ['--app', '--soon']]) {
		const { code, stderr } = await cleanup(...args)
		expect(code).toBe(2)
		expect(stderr).toContain('npm run cleanup -- --app')
	}
})

test('--app --until-done with only the database variables: one JSON line per run, then exit 0', async () => {
	await withDatabase('app', async (db) => {
		await db.insert(user).values({ id: 'u1', name: 'U', email: 'u1@example.com' })
		await db.insert(session).values([
			{ id: 's-old-1', token: 't-old-1', userId: 'u1', expiresAt: sql`now() - interval '1 minute'` },
			{ id: 's-old-2', token: 't-old-2', userId: 'u1', expiresAt: sql`now() - interval '1 day'` },
			{ id: 's-live', token: 't-live', userId: 'u1', expiresAt: sql`now() + interval '1 hour'` },
		])
	})
	const { code, stdout, stderr } = await cleanup('--app', '--until-done')
	expect({ code, stderr }).toEqual({ code: 0, stderr: '' })
	const lines = stdout.trim().split('\n')
	expect(lines).toHaveLength(1)
	const run = JSON.parse(lines[0]!) as { service: string; round: number; ms: number; more: boolean; counts: Record<string, number> }
	expect(run).toMatchObject({ service: 'app', round: 1, more: false, counts: { sessions: 2, verifications: 0 } })
	expect(typeof run.ms).toBe('number')
	await withDatabase('app', async (db) => {
		expect((await db.select({ id: session.id }).from(session)).map((row) => row.id)).toEqual(['s-live'])
	})
})

test('a lease another instance holds: "skipped", exit 0; no lease table: says to migrate, exit 1', async () => {
	await withDatabase('tasks', async (db) => {
		await db
			.insert(taskApiCleanupLease)
			.values({ name: 'cleanup', holder: 'another-instance', heldUntil: sql`now() + interval '1 minute'` })
	})
	expect(await cleanup('--api')).toEqual({ code: 0, stdout: 'skipped: another instance holds the clean-up lease\n', stderr: '' })

	await withDatabase('app', async (db) => {
		await db.execute(sql`drop table ${appCleanupLease}`)
	})
	const missing = await cleanup('--app')
	expect(missing.code).toBe(1)
	expect(missing.stderr).toMatch(/app_cleanup_lease is missing.*npm run db:migrate/)
})
