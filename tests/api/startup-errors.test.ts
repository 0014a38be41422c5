/**
 * Start-up failures said in one line, with what to do, by real processes
 * (the task API; the app prints the same errors, common/database.ts):
 * a missing database, a refused connection, and the embedded database of a
 * DATA_DIR that another Taskwell process holds.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, expect, test } from 'vitest'
import { freePort, startApiProcess } from './api-process.ts'

const dirs: string[] = []
afterAll(() => {
	for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

const startApi = (env: Record<string, string | undefined>) =>
	startApiProcess({ LOG_LEVEL: 'info', LOG_FORMAT: 'json', DATABASE_URL: undefined, ...env })

/** The Postgres server the suite runs against (CI's, or this machine's). */
const POSTGRES = process.env.DATABASE_URL ?? process.env.CI_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'

test('DATABASE_URL naming a database that does not exist: exit 1 and how to create it, in one line', { timeout: 120_000 }, async () => {
	const url = new URL(POSTGRES)
	const name = `nope_${process.pid}_${Date.now()}`
	url.pathname = `/${name}`
	const started = startApi({ DATABASE_URL: url.toString(), TASKS_API_PORT: String(await freePort()) })
	expect(await started.exited).toBe(1)
	expect(started.output().stderr.trim()).toBe(`database "${name}" does not exist — create it with: createdb ${name}`)
})

test('a refused connection: exit 1 and which host and port, in one line', { timeout: 120_000 }, async () => {
	const port = await freePort()
	const started = startApi({ DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/taskwell`, TASKS_API_PORT: String(await freePort()) })
	expect(await started.exited).toBe(1)
	expect(started.output().stderr.trim()).toBe(
		`cannot connect to Postgres at 127.0.0.1:${port}: connection refused — is it running there? (DATABASE_URL)`,
	)
})

test(
	'the embedded database held by another process: exit 1 and says so; free again once that process stops',
	{ timeout: 240_000 },
	async () => {
		const dataDir = mkdtempSync(path.join(tmpdir(), 'taskwell-lock-'))
		dirs.push(dataDir)
		const holder = startApi({ DATA_DIR: dataDir, TASKS_API_PORT: String(await freePort()) })
		const deadline = Date.now() + 200_000
		while (!holder.output().stdout.includes('task API listening')) {
			if (Date.now() > deadline || holder.child.exitCode !== null) throw new Error(JSON.stringify(holder.output()))
			await new Promise((resolve) => setTimeout(resolve, 100))
		}

		const second = startApi({ DATA_DIR: dataDir, TASKS_API_PORT: String(await freePort()) })
		expect(await second.exited).toBe(1)
		expect(second.output().stderr.trim()).toBe(
			`the embedded database in ${dataDir} is in use by another Taskwell process (pid ${holder.child.pid}) — stop it, or set DATA_DIR to another directory`,
		)

		holder.child.kill('SIGTERM')
		expect(await holder.exited).toBe(0)
		const third = startApi({ DATA_DIR: dataDir, TASKS_API_PORT: String(await freePort()) })
		while (!third.output().stdout.includes('task API listening')) {
			if (Date.now() > deadline || third.child.exitCode !== null) throw new Error(JSON.stringify(third.output()))
			await new Promise((resolve) => setTimeout(resolve, 100))
		}
		third.child.kill('SIGTERM')
		expect(await third.exited).toBe(0)
	},
)
