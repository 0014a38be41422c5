/**
 * `npm run admin -- grant|revoke <email>` (scripts/admin.ts) as the operator
 * runs it: a real child process against this file's fresh database
 * (embedded or DATABASE_URL). The test opens the database only around its
 * own reads and writes, because the embedded one serves one process at a
 * time; one test holds it open on purpose to see the script refuse in words.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import { eq } from 'drizzle-orm'
import postgres from 'postgres'
import { describe, expect, test } from 'vitest'
import { adminAudit, schema, user, type AppSchema } from '#app/lib/db/schema.ts'
import { openDatabase, type Database, type OpenedDatabase } from '#common/database.ts'

const openAppDatabase = (): Promise<OpenedDatabase<AppSchema>> =>
	openDatabase({
		databaseUrl: process.env.DATABASE_URL,
		dataDir: process.env.DATA_DIR!,
		name: 'app',
		schema,
		migrationsFolder: path.resolve('drizzle/app'),
		migrationsTable: '__drizzle_migrations_app',
	})

/** Opens this file's database for `work`, and closes it again (so the script can open it). */
async function withDb<T>(work: (db: Database<AppSchema>) => Promise<T>): Promise<T> {
	const database = await openAppDatabase()
	try {
		return await work(database.db)
	} finally {
		await database.close()
	}
}

/** Runs the script with `args`: its exit code and output. */
function runAdmin(args: string[], env: Record<string, string | undefined> = {}) {
	const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/admin.ts', ...args], {
		env: { ...process.env, ...env },
		stdio: ['ignore', 'pipe', 'pipe'],
	})
	let stdout = ''
	let stderr = ''
	child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
	child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
	return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
		child.on('error', reject)
		child.on('close', (code) => resolve({ code, stdout, stderr }))
	})
}

const roleOf = (db: Database<AppSchema>, id: string) =>
	db
		.select({ role: user.role })
		.from(user)
		.where(eq(user.id, id))
		.then((rows) => rows[0]?.role)

const auditOf = (db: Database<AppSchema>, id: string) =>
	db.select().from(adminAudit).where(eq(adminAudit.targetId, id)).orderBy(adminAudit.createdAt)

// Each run starts Node, tsx and (embedded) PGlite: seconds apiece.
describe('grant and revoke', { timeout: 120_000 }, () => {
	test('grant makes the account an admin with an audit row; again changes nothing; revoke takes it back, warning when no admin is left', async () => {
		await withDb((db) =>
			db
				.insert(user)
				.values({ id: 'u-alice', name: 'Alice', email: 'alice@example.com', emailVerified: true })
				.then(() => undefined),
		)

		// The address as typed: other case, spaces around it.
		const granted = await runAdmin(['grant', '  Alice@Example.COM '])
		expect(granted).toMatchObject({ code: 0, stdout: 'alice@example.com is now an admin.\n', stderr: '' })
		await withDb(async (db) => {
			expect(await roleOf(db, 'u-alice')).toBe('admin')
			const audit = await auditOf(db, 'u-alice')
			expect(audit).toHaveLength(1)
			expect(audit[0]).toMatchObject({
				actorId: null,
				actorLabel: 'command line',
				action: 'role-granted',
				targetId: 'u-alice',
				targetEmail: 'alice@example.com',
				reason: 'user → admin',
				ipAddress: null,
			})
		})

		const again = await runAdmin(['grant', 'alice@example.com'])
		expect(again).toMatchObject({ code: 0, stdout: 'alice@example.com is already an admin. Nothing was changed.\n', stderr: '' })

		const revoked = await runAdmin(['revoke', 'alice@example.com'])
		expect(revoked.code).toBe(0)
		expect(revoked.stdout).toBe('alice@example.com is no longer an admin.\n')
		expect(revoked.stderr).toMatch(/^Warning: no account is an admin now\./)

		const notAdmin = await runAdmin(['revoke', 'alice@example.com'])
		expect(notAdmin).toMatchObject({ code: 0, stdout: 'alice@example.com is not an admin. Nothing was changed.\n', stderr: '' })

		await withDb(async (db) => {
			expect(await roleOf(db, 'u-alice')).toBe('user')
			const audit = await auditOf(db, 'u-alice')
			expect(audit.map((row) => [row.action, row.actorLabel, row.reason])).toEqual([
				['role-granted', 'command line', 'user → admin'],
				['role-revoked', 'command line', 'admin → user'],
			])
		})
	})

	test('revoking one of two admins: no warning', async () => {
		await withDb((db) =>
			db
				.insert(user)
				.values([
					{ id: 'u-bob', name: 'Bob', email: 'bob@example.com', role: 'admin' },
					{ id: 'u-carol', name: 'Carol', email: 'carol@example.com', role: 'admin' },
				])
				.then(() => undefined),
		)
		const revoked = await runAdmin(['revoke', 'bob@example.com'])
		expect(revoked).toMatchObject({ code: 0, stdout: 'bob@example.com is no longer an admin.\n', stderr: '' })
		await withDb(async (db) => {
			expect(await roleOf(db, 'u-bob')).toBe('user')
			expect(await roleOf(db, 'u-carol')).toBe('admin')
		})
	})

	test('an address no account has: exit 1, said on stderr, nothing written', async () => {
		const result = await runAdmin(['grant', 'Nobody@Example.com'])
		expect(result).toMatchObject({ code: 1, stdout: '', stderr: 'No account has the address nobody@example.com.\n' })
		await withDb(async (db) =>
			expect(await db.select().from(adminAudit).where(eq(adminAudit.targetEmail, 'nobody@example.com'))).toEqual([]),
		)
	})
})

test('bad usage: the usage text on stderr, exit 2; --help: on stdout, exit 0', { timeout: 60_000 }, async () => {
	const results = await Promise.all(
		[[], ['grant'], ['promote', 'a@example.com'], ['grant', 'a@example.com', 'b@example.com'], ['grant', ' ']].map((args) =>
			runAdmin(args),
		),
	)
	for (const result of results) {
		expect(result.code).toBe(2)
		expect(result.stdout).toBe('')
		expect(result.stderr).toContain('Usage:\n  npm run admin -- grant <email>')
	}
	const help = await runAdmin(['--help'])
	expect(help.code).toBe(0)
	expect(help.stdout).toContain('npm run admin -- revoke <email>')
})

test('a database no server has opened yet: the migrations are applied first', { timeout: 60_000 }, async () => {
	if (process.env.DATABASE_URL) {
		const base = process.env.TASKWELL_TEST_BASE_DATABASE_URL!
		const name = `taskwell_test_admin_${randomBytes(6).toString('hex')}`
		const server = postgres(base, { max: 1, onnotice: () => {} })
		await server.unsafe(`create database "${name}"`)
		try {
			const url = new URL(base)
			url.pathname = `/${name}`
			const result = await runAdmin(['grant', 'first@example.com'], { DATABASE_URL: url.toString() })
			expect(result).toMatchObject({ code: 1, stderr: 'No account has the address first@example.com.\n' })
		} finally {
			await server.unsafe(`drop database if exists "${name}" with (force)`)
			await server.end()
		}
		return
	}
	const emptyDir = mkdtempSync(path.join(tmpdir(), 'taskwell-admin-'))
	try {
		const result = await runAdmin(['grant', 'first@example.com'], { DATA_DIR: emptyDir })
		expect(result).toMatchObject({ code: 1, stderr: 'No account has the address first@example.com.\n' })
	} finally {
		rmSync(emptyDir, { recursive: true, force: true })
	}
})

// While a server holds the database: the embedded one serves one process at
// a time, so the command refuses in words and changes nothing; Postgres
// serves both, so the command does its work beside the open connection.
test('a database a running server holds: embedded, refused in words; Postgres, done beside it', { timeout: 60_000 }, async () => {
	const database = await openAppDatabase()
	try {
		await database.db.insert(user).values({ id: 'u-dave', name: 'Dave', email: 'dave@example.com' })
		const result = await runAdmin(['grant', 'dave@example.com'])
		if (process.env.DATABASE_URL) {
			expect(result).toMatchObject({ code: 0, stdout: 'dave@example.com is now an admin.\n' })
			expect(await roleOf(database.db, 'u-dave')).toBe('admin')
			return
		}
		expect(result.code).toBe(1)
		expect(result.stdout).toBe('')
		expect(result.stderr).toContain(`is open in another process (pid ${process.pid}), probably \`npm run dev\` or \`npm start\``)
		expect(result.stderr).toContain('Nothing was changed.')
		expect(await roleOf(database.db, 'u-dave')).toBe('user')
	} finally {
		await database.close()
	}
})
