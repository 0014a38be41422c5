/**
 * Failures between the app and the task API, on a pair of services this file
 * starts for itself (the production build, its own database: a new one on
 * DATABASE_URL's server, or embedded ones; its own ports), so stopping the API does not disturb the other specs running in
 * parallel against the shared server:
 * - the API stopped mid-session: the page says so, the app stays up, the
 *   user's input is kept, and everything recovers when the API is back;
 * - a token the API rejects: one fresh token and one retry, then the page
 *   answers 503 "temporarily unavailable" and the user stays signed in (a
 *   server fault never ends a session: issue 9).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createWriteStream, mkdtempSync, rmSync, type WriteStream } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { Page } from '@playwright/test'
import { databaseOnServer, type OwnDatabase } from './own-database.ts'
import { expect, newUser, openDetails, test, type SignUpDirectly } from './support.ts'

test.describe.configure({ mode: 'serial' })

const buildDir = process.env.BUILD_DIR ?? 'build'
let appPort = 0
let apiPort = 0
let dataDir = ''
let app: ChildProcess | undefined
let api: ChildProcess | undefined
let apiLog: string[] = []
let appLog: string[] = []
let logStream: WriteStream
let database: OwnDatabase | undefined

function baseEnv() {
	const env: NodeJS.ProcessEnv = {
		...process.env,
		NODE_ENV: 'production',
		PORT: String(appPort),
		TASKS_API_PORT: String(apiPort),
		BETTER_AUTH_URL: `http://localhost:${appPort}`,
		DATA_DIR: dataDir,
		LOG_LEVEL: 'info',
		TASKS_API_TIMEOUT_MS: '2000',
	}
	delete env.BETTER_AUTH_SECRET
	// Its own database: a new one on DATABASE_URL's server, or each service's embedded one.
	if (database) env.DATABASE_URL = database.url
	else delete env.DATABASE_URL
	return env
}

function start(name: string, file: string, env: NodeJS.ProcessEnv) {
	const child = spawn(process.execPath, [file], { env, stdio: ['ignore', 'pipe', 'pipe'] })
	const collect = (chunk: Buffer) => {
		logStream.write(chunk)
		if (name === 'api') apiLog.push(...chunk.toString('utf8').split('\n').filter(Boolean))
		if (name === 'app') appLog.push(...chunk.toString('utf8').split('\n').filter(Boolean))
	}
	child.stdout?.on('data', collect)
	child.stderr?.on('data', collect)
	return child
}

async function waitFor(url: string, timeoutMs = 120_000) {
	const deadline = Date.now() + timeoutMs
	while (Date.now() < deadline) {
		try {
			const response = await fetch(url)
			if (response.ok) return
		} catch {
			// not yet
		}
		await new Promise((resolve) => setTimeout(resolve, 250))
	}
	throw new Error(`${url} did not answer in time`)
}

async function stop(child: ChildProcess | undefined) {
	if (!child || child.exitCode !== null || child.signalCode !== null) return
	await new Promise((resolve) => {
		child.once('exit', resolve)
		child.kill('SIGTERM')
		setTimeout(() => child.kill('SIGKILL'), 5000).unref()
	})
}

async function startApi(extraEnv: NodeJS.ProcessEnv = {}) {
	api = start('api', `${buildDir}/api/index.js`, { ...baseEnv(), ...extraEnv })
	await waitFor(`http://127.0.0.1:${apiPort}/readyz`)
}

test.beforeAll(async ({}, testInfo) => {
	// Without DATABASE_URL, a fresh embedded database per service: slow to create on a small machine.
	test.setTimeout(180_000)
	const base = Number(process.env.E2E_PORT ?? 3100)
	appPort = base + 20 + (testInfo.project.name === 'js' ? 10 : 0)
	apiPort = appPort + 1
	dataDir = mkdtempSync(path.join(tmpdir(), 'taskwell-e2e-failures-'))
	database = await databaseOnServer('failures')
	logStream = createWriteStream(testInfo.outputPath('servers.log'))
	app = start('app', `${buildDir}/app-server.js`, baseEnv())
	await waitFor(`http://127.0.0.1:${appPort}/`)
	await startApi()
})

test.afterAll(async () => {
	await stop(api)
	await stop(app)
	await database?.close()
	logStream?.end()
	if (dataDir) rmSync(dataDir, { recursive: true, force: true })
})

/**
 * A new account, signed up on this spec's own app (not the shared baseURL),
 * with one task added through the form: the app's origin and the user.
 */
async function signedInWithTask(page: Page, signUpDirectly: SignUpDirectly, name: string, title: string) {
	const base = `http://localhost:${appPort}`
	const user = newUser(name)
	await signUpDirectly(page, user, base)
	await expect(page).toHaveURL(`${base}/tasks`)
	await page.getByLabel('Title').fill(title)
	await page.getByRole('button', { name: 'Add task' }).click()
	await expect(page.getByRole('link', { name: title })).toBeVisible()
	return { base, user }
}

/** The lines of a server's log that are JSON objects (pino's), parsed. */
function jsonEntries(lines: string[]): Record<string, unknown>[] {
	return lines.flatMap((line) => {
		try {
			const entry: unknown = JSON.parse(line)
			return entry && typeof entry === 'object' ? [entry as Record<string, unknown>] : []
		} catch {
			return []
		}
	})
}

test('the task API stopped mid-session: a friendly error, input kept, recovery when it is back', async ({ page, signUpDirectly }) => {
	test.setTimeout(180_000)
	const { base, user } = await signedInWithTask(page, signUpDirectly, 'Ada Lovelace', 'Before the outage')

	await stop(api)

	// Adding while the API is down: a message, and what the user typed stays.
	await page.getByLabel('Title').fill('Typed during the outage')
	await openDetails(page, 'More options')
	await page.getByLabel('Notes').fill('Do not lose me')
	await page.getByRole('button', { name: 'Add task' }).click()
	await expect(page.getByRole('alert').filter({ hasText: 'could not be reached' }).first()).toBeVisible()
	await expect(page.getByLabel('Title')).toHaveValue('Typed during the outage')
	await expect(page.getByLabel('Notes')).toHaveValue('Do not lose me')

	// Loading the list while it is down: the error page with a way to retry; the app is up.
	const response = await page.goto(`${base}/tasks`)
	expect(response?.status()).toBe(503)
	await expect(page.getByRole('heading', { name: `Hello, ${user.name}` })).toBeVisible()
	await expect(page.getByRole('alert')).toContainText('could not be reached')
	await expect(page.getByRole('link', { name: 'Try again' })).toBeVisible()

	await startApi()
	await page.getByRole('link', { name: 'Try again' }).click()
	await expect(page.getByRole('link', { name: 'Before the outage' })).toBeVisible()
	await expect(page.getByRole('alert')).toHaveCount(0)
})

test('a token the API rejects: one fresh token, then 503 "unavailable", still signed in', async ({ page, signUpDirectly }) => {
	test.setTimeout(180_000)
	const { base, user } = await signedInWithTask(page, signUpDirectly, 'Grace Hopper', 'Kept through the fault')

	// The same API, now expecting another issuer: it rejects every token the app mints.
	await stop(api)
	apiLog = []
	appLog = []
	await startApi({ AUTH_ISSUER: 'https://someone-else.example' })

	// A server fault, not a reason to sign out: the page says the tasks are
	// temporarily unavailable (503), the user is still on /tasks.
	const response = await page.goto(`${base}/tasks?status=active`)
	expect(response?.status()).toBe(503)
	await expect(page).toHaveURL(`${base}/tasks?status=active`)
	await expect(page.getByRole('heading', { name: `Hello, ${user.name}` })).toBeVisible()
	await expect(page.getByRole('alert')).toContainText('could not be reached')
	// Exactly two attempts (the cached token, then a fresh one), both 401.
	const rejected = jsonEntries(apiLog).filter((entry) => JSON.stringify(entry).includes('/v1/tasks'))
	expect(rejected).toHaveLength(2)
	expect(rejected.every((entry) => entry.status === 401)).toBe(true)
	// The app logged one error with the request id and the API's reason.
	const faults = jsonEntries(appLog).filter((entry) => entry.level === 50 && String(entry.msg).includes('refused a token'))
	expect(faults).toHaveLength(1)
	expect(faults[0]).toMatchObject({ requestId: rejected[0]?.requestId, apiReason: 'The bearer token is invalid or expired.' })
	expect(appLog.join('\n')).not.toMatch(/eyJ[\w-]+\.eyJ/)

	// The API is fixed: the same browser session carries on, no sign-in.
	await stop(api)
	await startApi()
	await page.goto(`${base}/tasks`)
	await expect(page).toHaveURL(`${base}/tasks`)
	await expect(page.getByRole('link', { name: 'Kept through the fault' })).toBeVisible()
	await expect(page.getByRole('alert')).toHaveCount(0)
})
