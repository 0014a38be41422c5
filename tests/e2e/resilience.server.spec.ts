/**
 * Issue 24 against the production app server (build/app-server.js) on its
 * own port and Postgres database, with a stand-in task API: a real HTTP
 * server in this process that answers an empty list, or holds a request.
 * - The database failing while a signed-in page is served (minting the task
 *   API token: the signing keys' table renamed away; reading the session:
 *   the session table renamed away) answers 503 with Retry-After: the
 *   "Taskwell is having trouble" page, and the same error for a `.data`
 *   request. The session is kept.
 * - A browser that goes away while the app waits for the task API: the
 *   app's call is aborted (the API sees its connection close), nothing is
 *   rendered for it, and the request log has one info line (499, aborted),
 *   no warning and no error.
 *
 * Database: with DATABASE_URL, a fresh database on that server, dropped
 * afterwards; without it, a throwaway PostgreSQL server of its own
 * (tests/cluster/postgres-server.ts). Tables are renamed with plain SQL: the
 * app meets real "relation does not exist" errors.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { createServer, type Server } from 'node:http'
import { connect } from 'node:net'
import { expect, test } from '@playwright/test'
import { ownWorkDir, type OwnWorkDir } from './own-database.ts'
import postgres from 'postgres'
import { jsonLogLines, PASSWORD, uniqueEmail } from './support.ts'

test.describe.configure({ mode: 'serial' })

const buildDir = process.env.BUILD_DIR ?? 'build'
const TROUBLE_TITLE = 'Taskwell is having trouble'
const TROUBLE_MESSAGE = 'Taskwell is temporarily unavailable. Please try again in a moment.'
let own: OwnWorkDir | undefined
let origin = ''
let app: ChildProcess | undefined
let output = ''
let sql: postgres.Sql | undefined

/** What the stand-in API does with a request: answer an empty list, or hold it. */
let mode: 'answer' | 'hold' = 'answer'
type Held = { requestId: string | undefined; closed: Promise<void> }
let onHold: ((held: Held) => void) | undefined
const api: Server = createServer((req, res) => {
	if (mode === 'hold') {
		// Never answers; resolved when the app closes the connection.
		return onHold?.({ requestId: req.headers['x-request-id'] as string | undefined, closed: once(res, 'close').then(() => undefined) })
	}
	res.setHeader('content-type', 'application/json')
	res.end(JSON.stringify({ items: [], nextCursor: null, counts: { all: 0, active: 0, completed: 0 } }))
})

const logLines = () => jsonLogLines(output)

test.beforeAll(async () => {
	test.setTimeout(240_000)
	const base = Number(process.env.E2E_PORT ?? 3100) + 10
	const [appPort, apiPort, pgPort] = [base, base + 1, base + 2]
	own = await ownWorkDir('resilience', pgPort)
	sql = postgres(own.database.url, { max: 1, onnotice: () => {} })
	api.listen(apiPort, '127.0.0.1')
	await once(api, 'listening')
	origin = `http://localhost:${appPort}`
	const env: NodeJS.ProcessEnv = {
		...process.env,
		NODE_ENV: 'production',
		PORT: String(appPort),
		BETTER_AUTH_URL: origin,
		BETTER_AUTH_SECRET: randomBytes(32).toString('hex'),
		DATABASE_URL: own.database.url,
		DATA_DIR: own.dir,
		TASKS_API_URL: `http://127.0.0.1:${apiPort}`,
		// Longer than the test: a held call ends only when the app aborts it.
		TASKS_API_TIMEOUT_MS: '60000',
		LOG_LEVEL: 'info',
	}
	delete env.BETTER_AUTH_SECRETS
	delete env.TRUST_PROXY
	app = spawn(process.execPath, [`${buildDir}/app-server.js`], { env, stdio: ['ignore', 'pipe', 'pipe'] })
	const listening = new Promise<void>((resolve, reject) => {
		const collect = (chunk: Buffer) => {
			output += chunk.toString('utf8')
			if (output.includes('Taskwell app listening')) resolve()
		}
		app!.stdout?.on('data', collect)
		app!.stderr?.on('data', collect)
		app!.once('exit', () => reject(new Error(`the app did not start:\n${output}`)))
	})
	await listening
})

test.afterAll(async () => {
	if (app && app.exitCode === null && app.signalCode === null) {
		const exited = once(app, 'exit')
		app.kill('SIGTERM')
		await exited
	}
	api.closeAllConnections()
	api.close()
	await sql?.end()
	await own?.remove()
})

/** A new account, signed up through the form: its session cookie. */
async function signUp(): Promise<string> {
	const response = await fetch(`${origin}/signup`, {
		method: 'POST',
		redirect: 'manual',
		headers: { origin, 'content-type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams({ name: 'Ada', email: uniqueEmail('resilience'), password: PASSWORD, confirmPassword: PASSWORD }),
	})
	expect(response.status).toBe(302)
	return response.headers
		.getSetCookie()
		.map((cookie) => cookie.split(';')[0])
		.join('; ')
}

/** `run()` while `table` is renamed away (every query naming it fails), then renamed back. */
async function withoutTable(table: 'jwks' | 'session', run: () => Promise<void>) {
	await sql!.unsafe(`alter table "${table}" rename to "${table}_unavailable"`)
	try {
		await run()
	} finally {
		await sql!.unsafe(`alter table "${table}_unavailable" rename to "${table}"`)
	}
}

/** The page and its `.data` request: 503, Retry-After, the message; no sign-out. */
async function expectTrouble(cookie: string) {
	const page = await fetch(`${origin}/tasks`, { headers: { cookie }, redirect: 'manual' })
	expect(page.status).toBe(503)
	expect(page.headers.get('retry-after')).toBe('5')
	expect(page.headers.get('content-type')).toMatch(/^text\/html/)
	expect(page.headers.get('set-cookie')).toBeNull()
	const html = await page.text()
	expect(html).toContain(`<h1>${TROUBLE_TITLE}</h1>`)
	expect(html).toContain(TROUBLE_MESSAGE)
	expect(html).toContain('>Try again</a>')

	const data = await fetch(`${origin}/tasks.data`, { headers: { cookie }, redirect: 'manual' })
	expect(data.status).toBe(503)
	expect(data.headers.get('retry-after')).toBe('5')
	expect(data.headers.get('set-cookie')).toBeNull()
	const body = await data.text()
	expect(body).toContain('"ErrorResponse"')
	expect(body).toContain(TROUBLE_MESSAGE)
}

test('the database failing: 503 "Taskwell is having trouble" with Retry-After, page and .data; still signed in', async () => {
	// Sessions no page has been served for yet: nothing cached, a token to mint.
	const minting = await signUp()
	const reading = await signUp()
	await withoutTable('jwks', () => expectTrouble(minting))
	await withoutTable('session', () => expectTrouble(reading))
	for (const cookie of [minting, reading]) {
		const page = await fetch(`${origin}/tasks`, { headers: { cookie }, redirect: 'manual' })
		expect(page.status).toBe(200)
		expect(await page.text()).toContain('Add task')
	}
	// Warnings of the app, no error of its own (Better Auth logs its failed session read itself).
	const messages = logLines().map((line) => line.msg)
	expect(messages).toContain('minting a task API token failed: answering 503')
	expect(messages).toContain('session lookup failed: answering 503')
	expect(logLines().filter((line) => line.level === 50 && line.component !== 'better-auth')).toEqual([])
})

test('a browser gone while the app waits for the task API: the call is aborted, nothing rendered, one info line', async ({}, testInfo) => {
	test.setTimeout(45_000)
	const cookie = await signUp()
	const logged = logLines().length
	const requestId = `client-gone-${testInfo.project.name}-${randomBytes(4).toString('hex')}`
	mode = 'hold'
	const called = new Promise<Held>((resolve) => (onHold = resolve))
	const socket = connect(Number(new URL(origin).port), '127.0.0.1')
	let received = 0
	socket.on('data', (chunk: Buffer) => (received += chunk.length))
	await once(socket, 'connect')
	socket.write(`GET /tasks HTTP/1.1\r\nHost: ${new URL(origin).host}\r\nCookie: ${cookie}\r\nX-Request-Id: ${requestId}\r\n\r\n`)
	const held = await called
	// The app called the API for this very request; now the browser goes.
	expect(held.requestId).toBe(requestId)
	socket.destroy()
	// The API sees its request's connection closed: the app aborted the call
	// (the timeout is a minute away).
	await held.closed
	expect(received).toBe(0)

	// The app is fine, and has logged the gone request once: info, 499, aborted.
	mode = 'answer'
	expect((await fetch(`${origin}/tasks`, { headers: { cookie } })).status).toBe(200)
	await expect.poll(() => logLines().filter((line) => line.requestId === requestId)).toHaveLength(1)
	expect(logLines().filter((line) => line.requestId === requestId)).toEqual([
		expect.objectContaining({ level: 30, msg: 'request', method: 'GET', path: '/tasks', status: 499, aborted: true }),
	])
	expect(
		logLines()
			.slice(logged)
			.filter((line) => Number(line.level) >= 40),
	).toEqual([])
})
