/**
 * Session revocation across instances: two app instances (the production
 * build, real processes) on one Postgres database, as behind a load
 * balancer. Each instance caches session lookups for under a second
 * (app/lib/auth/session-cache.server.ts); a session ended on instance A —
 * sign-out, "sign out other sessions", a password change that signs out the
 * other devices, account deletion — must be refused by instance B once 1 s
 * has passed since A answered.
 *
 * While A revokes, a loop keeps asking B for a signed-in page with the
 * session (so B's cache is as warm as it gets). Then: every request of that
 * loop started 1 s or more after A's answer, and one more request after
 * that second, must be refused (a redirect to /login). This is a
 * correctness bound, not a performance measurement: nothing here measures
 * how fast anything is.
 *
 * Database: with DATABASE_URL (CI), a fresh database on that server, dropped
 * afterwards; without it, a throwaway PostgreSQL server of its own
 * (tests/cluster/postgres-server.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { request as httpRequest } from 'node:http'
import { expect, test } from '@playwright/test'
import { ownWorkDir, type OwnWorkDir } from './own-database.ts'
import { newUser, uniqueClientIp, type TestUser } from './support.ts'

test.describe.configure({ mode: 'serial' })

const buildDir = process.env.BUILD_DIR ?? 'build'
const REVOCATION_BOUND_MS = 1_000
let own: OwnWorkDir | undefined
let origin = ''
const apps: Array<{ port: number; process: ChildProcess; output: () => string }> = []
const processes: ChildProcess[] = []

test.beforeAll(async () => {
	test.setTimeout(240_000)
	const base = Number(process.env.E2E_PORT ?? 3100) + 85
	const [portA, portB, pgPort] = [base, base + 1, base + 2]
	own = await ownWorkDir('revocation', pgPort)
	// One public origin for both (a load balancer's): the same BETTER_AUTH_URL and secret.
	origin = `http://localhost:${portA}`
	const env: NodeJS.ProcessEnv = {
		...process.env,
		NODE_ENV: 'production',
		BETTER_AUTH_URL: origin,
		BETTER_AUTH_SECRET: randomBytes(32).toString('hex'),
		DATABASE_URL: own.database.url,
		DATA_DIR: own.dir,
		TRUST_PROXY: 'true',
		LOG_LEVEL: 'warn',
	}
	delete env.BETTER_AUTH_SECRETS
	for (const port of [portA, portB]) {
		let output = ''
		const child = spawn(process.execPath, [`${buildDir}/app-server.js`], {
			env: { ...env, PORT: String(port), TASKS_API_PORT: String(base + 3) },
			stdio: ['ignore', 'pipe', 'pipe'],
		})
		child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')))
		child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')))
		apps.push({ port, process: child, output: () => output })
	}
	processes.push(...apps.map((app) => app.process))
	// The task API (account deletion removes the account's tasks through it).
	let apiOutput = ''
	const api: ChildProcess = spawn(process.execPath, [`${buildDir}/api/index.js`], {
		env: { ...env, TASKS_API_PORT: String(base + 3), AUTH_JWKS_URL: `http://127.0.0.1:${portA}/api/auth/jwks`, AUTH_ISSUER: origin },
		stdio: ['ignore', 'pipe', 'pipe'],
	})
	processes.push(api)
	api.stdout?.on('data', (chunk: Buffer) => (apiOutput += chunk.toString('utf8')))
	api.stderr?.on('data', (chunk: Buffer) => (apiOutput += chunk.toString('utf8')))
	for (const app of [...apps, { port: base + 3, process: api, output: () => apiOutput }]) {
		const deadline = Date.now() + 180_000
		for (;;) {
			const ready = await fetch(`http://127.0.0.1:${app.port}/readyz`).then(
				(response) => response.ok,
				() => false,
			)
			if (ready) break
			if (Date.now() > deadline || app.process.exitCode !== null) throw new Error(`an app instance did not start:\n${app.output()}`)
			await new Promise((resolve) => setTimeout(resolve, 250))
		}
	}
})

test.afterAll(async () => {
	await Promise.all(
		processes.map(
			(child) =>
				new Promise<void>((resolve) => {
					if (child.exitCode !== null || child.signalCode !== null) return resolve()
					child.once('exit', () => resolve())
					child.kill('SIGTERM')
					setTimeout(() => child.kill('SIGKILL'), 12_000).unref()
				}),
		),
	)
	await own?.remove()
})

type Answer = { status: number; location: string | undefined; setCookies: string[] }

/**
 * One request to instance A or B as the load balancer forwards it: the
 * public Host (BETTER_AUTH_URL's, which React Router compares with Origin)
 * whichever instance answers. node:http, because fetch cannot set Host.
 */
function send(which: 'A' | 'B', method: string, pathname: string, headers: Record<string, string>, body?: string): Promise<Answer> {
	return new Promise((resolve, reject) => {
		const req = httpRequest(
			{
				host: '127.0.0.1',
				port: apps[which === 'A' ? 0 : 1]!.port,
				method,
				path: pathname,
				headers: { ...headers, host: new URL(origin).host },
			},
			(res) => {
				res.resume()
				res.on('end', () =>
					resolve({
						status: res.statusCode ?? 0,
						location: res.headers.location,
						setCookies: res.headers['set-cookie'] ?? [],
					}),
				)
			},
		)
		req.on('error', reject)
		req.end(body)
	})
}

/** A form POST as the browser sends it (same origin, its own client address). */
function post(which: 'A' | 'B', pathname: string, form: Record<string, string>, cookie: string | undefined, clientIp: string) {
	const body = new URLSearchParams(form).toString()
	return send(
		which,
		'POST',
		pathname,
		{
			origin,
			'content-type': 'application/x-www-form-urlencoded',
			'content-length': String(Buffer.byteLength(body)),
			'x-forwarded-for': clientIp,
			...(cookie ? { cookie } : {}),
		},
		body,
	)
}

function sessionCookie(response: Answer): string {
	const cookie = response.setCookies
		.map((value) => value.split(';')[0]!)
		.filter((value) => !/=$/.test(value))
		.join('; ')
	expect(cookie, `no session cookie (status ${response.status})`).toMatch(/session_token=/)
	return cookie
}

/** Signed in on that instance: 200 for /settings; refused: the redirect to /login. */
async function settingsOn(which: 'A' | 'B', cookie: string): Promise<'signed-in' | 'refused'> {
	const response = await send(which, 'GET', '/settings', { cookie })
	if (response.status === 200) return 'signed-in'
	expect([302, 303]).toContain(response.status)
	expect(response.location).toMatch(/^\/login\?redirectTo=/)
	return 'refused'
}

type Account = { user: TestUser; clientIp: string; first: string; second: string }

/** A user with two sessions: one from signing up on A, one from signing in on B. */
async function accountWithTwoSessions(): Promise<Account> {
	const user = newUser('Rae Revoke')
	const clientIp = uniqueClientIp()
	const signUp = await post(
		'A',
		'/signup',
		{ name: user.name, email: user.email, password: user.password, confirmPassword: user.password },
		undefined,
		clientIp,
	)
	const first = sessionCookie(signUp)
	const signIn = await post('B', '/login', { email: user.email, password: user.password }, undefined, clientIp)
	const second = sessionCookie(signIn)
	for (const cookie of [first, second]) {
		expect(await settingsOn('A', cookie)).toBe('signed-in')
		expect(await settingsOn('B', cookie)).toBe('signed-in')
	}
	return { user, clientIp, first, second }
}

/**
 * Runs `revoke` on A while B is asked for /settings with `cookie` back to
 * back; then checks that B refuses the session from 1 s after A's answer on.
 */
async function expectRefusedByBWithinBound(cookie: string, revoke: () => Promise<Answer>) {
	let revokedAt = Number.POSITIVE_INFINITY
	const outcomes: Array<{ startedAt: number; outcome: 'signed-in' | 'refused' }> = []
	let firstAnswer!: () => void
	const answered = new Promise<void>((resolve) => (firstAnswer = resolve))
	// Asks B back to back until a request that started 1 s or more after A's
	// answer has been answered (however slow the machine is).
	const loop = (async () => {
		for (;;) {
			const startedAt = Date.now()
			outcomes.push({ startedAt, outcome: await settingsOn('B', cookie) })
			firstAnswer()
			if (startedAt >= revokedAt + REVOCATION_BOUND_MS) return
		}
	})()
	await answered // B has just looked the session up: its cache entry is fresh
	const answer = await revoke()
	revokedAt = Date.now()
	expect([200, 302, 303]).toContain(answer.status)
	await loop
	const afterBound = outcomes.filter(({ startedAt }) => startedAt >= revokedAt + REVOCATION_BOUND_MS)
	expect(afterBound.length).toBeGreaterThan(0)
	expect(afterBound.filter(({ outcome }) => outcome !== 'refused')).toEqual([])
	expect(await settingsOn('B', cookie)).toBe('refused')
	expect(await settingsOn('A', cookie)).toBe('refused')
}

test('sign-out on one instance: the other refuses the session within 1 s', async () => {
	const { first, clientIp } = await accountWithTwoSessions()
	await expectRefusedByBWithinBound(first, () => post('A', '/logout', {}, first, clientIp))
})

test('"sign out other sessions" on one instance: the other refuses them within 1 s, and keeps the current one', async () => {
	const { first, second, clientIp } = await accountWithTwoSessions()
	await expectRefusedByBWithinBound(second, () => post('A', '/settings', { intent: 'revoke-other-sessions' }, first, clientIp))
	expect(await settingsOn('B', first)).toBe('signed-in')
})

test('a password change that signs out other devices: the other instance refuses them within 1 s', async () => {
	const { user, first, second, clientIp } = await accountWithTwoSessions()
	const newPassword = 'another long passphrase'
	await expectRefusedByBWithinBound(second, () =>
		post(
			'A',
			'/settings',
			{
				intent: 'change-password',
				currentPassword: user.password,
				newPassword,
				confirmPassword: newPassword,
				revokeOtherSessions: 'on',
			},
			first,
			clientIp,
		),
	)
})

test('account deletion on one instance: the other refuses every session of the account within 1 s', async () => {
	const { user, first, second, clientIp } = await accountWithTwoSessions()
	await expectRefusedByBWithinBound(second, () =>
		post('A', '/settings', { intent: 'delete-account', password: user.password }, first, clientIp),
	)
	expect(await settingsOn('B', first)).toBe('refused')
})
