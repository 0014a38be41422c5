/**
 * Behind a TLS-terminating proxy (issue 13): the production app server with
 * an https BETTER_AUTH_URL, TRUST_PROXY unset, receives plain-HTTP requests
 * as a proxy forwards them. A same-origin form POST (Origin = the public
 * https origin) reaches the action, instead of React Router's own 400; a
 * cross-site one is still refused. Its own app server, database (a new one
 * on DATABASE_URL's server, or an embedded one) and port.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { expect, test } from '@playwright/test'
import { databaseOnServer, type OwnDatabase } from './own-database.ts'

test.describe.configure({ mode: 'serial' })

const PUBLIC_URL = 'https://taskwell.example'
const buildDir = process.env.BUILD_DIR ?? 'build'
let port = 0
let dataDir = ''
let app: ChildProcess | undefined
let output = ''
let database: OwnDatabase | undefined

/** A request as the proxy sends it: plain HTTP, the public Host. */
function viaProxy(
	method: string,
	pathname: string,
	headers: Record<string, string>,
	body = '',
): Promise<{ status: number; headers: Record<string, string | string[] | undefined> }> {
	return new Promise((resolve, reject) => {
		const req = httpRequest(
			{ host: '127.0.0.1', port, method, path: pathname, headers: { host: 'taskwell.example', 'x-forwarded-proto': 'https', ...headers } },
			(res) => {
				res.resume()
				res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }))
			},
		)
		req.on('error', reject)
		req.end(body)
	})
}

test.beforeAll(async () => {
	test.setTimeout(180_000)
	port = Number(process.env.E2E_PORT ?? 3100) + 60
	dataDir = mkdtempSync(path.join(tmpdir(), 'taskwell-e2e-proxy-'))
	const env: NodeJS.ProcessEnv = {
		...process.env,
		NODE_ENV: 'production',
		PORT: String(port),
		HOST: '127.0.0.1',
		BETTER_AUTH_URL: PUBLIC_URL,
		BETTER_AUTH_SECRET: 'a-test-secret-that-is-long-enough-0123456789',
		SMTP_URL: 'smtp://127.0.0.1:9',
		DATA_DIR: dataDir,
		LOG_LEVEL: 'warn',
	}
	delete env.TRUST_PROXY
	database = await databaseOnServer('proxy')
	if (database) env.DATABASE_URL = database.url
	else delete env.DATABASE_URL
	delete env.BETTER_AUTH_SECRETS
	app = spawn(process.execPath, [`${buildDir}/app-server.js`], { env, stdio: ['ignore', 'pipe', 'pipe'] })
	app.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')))
	app.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')))
	const deadline = Date.now() + 150_000
	for (;;) {
		try {
			if ((await viaProxy('GET', '/login', {})).status === 200) break
		} catch {
			// not listening yet
		}
		if (app.exitCode !== null) throw new Error(`the app server exited:\n${output}`)
		if (Date.now() > deadline) throw new Error(`the app server did not answer:\n${output}`)
		await new Promise((resolve) => setTimeout(resolve, 250))
	}
})

test.afterAll(async () => {
	if (app && app.exitCode === null && app.signalCode === null) {
		await new Promise((resolve) => {
			app!.once('exit', resolve)
			app!.kill('SIGTERM')
			setTimeout(() => app?.kill('SIGKILL'), 5000).unref()
		})
	}
	await database?.close()
	if (dataDir) rmSync(dataDir, { recursive: true, force: true })
})

const form = 'email=nobody%40example.com&password=not+a+password'

test('a same-origin form POST forwarded over plain HTTP reaches the action (no React Router 400)', async () => {
	for (const pathname of ['/login', '/login.data']) {
		const response = await viaProxy(
			'POST',
			pathname,
			{
				origin: PUBLIC_URL,
				'content-type': 'application/x-www-form-urlencoded',
				'content-length': String(form.length),
			},
			form,
		)
		// The action ran: wrong credentials.
		expect(response.status, pathname).toBe(401)
	}
	// Also when the proxy passes its own upstream Host on.
	const internalHost = await viaProxy(
		'POST',
		'/login',
		{
			host: `127.0.0.1:${port}`,
			origin: PUBLIC_URL,
			'content-type': 'application/x-www-form-urlencoded',
			'content-length': String(form.length),
		},
		form,
	)
	expect(internalHost.status).toBe(401)
})

test('a cross-site POST is still refused, and pages are served for the public https origin', async () => {
	for (const origin of ['http://taskwell.example', 'https://evil.example']) {
		const response = await viaProxy(
			'POST',
			'/login',
			{
				origin,
				'content-type': 'application/x-www-form-urlencoded',
				'content-length': String(form.length),
			},
			form,
		)
		expect(response.status, origin).toBe(403)
	}
	const page = await viaProxy('GET', '/login', {})
	expect(page.headers['strict-transport-security']).toBeTruthy()
})

test('deployed, email verification is on by default: sign-up answers a taken and a free address alike, with no session', async () => {
	const signUp = async (email: string) => {
		const body = new URLSearchParams({
			name: 'Grace Hopper',
			email,
			password: 'a good long password',
			confirmPassword: 'a good long password',
		})
		const response = await viaProxy(
			'POST',
			'/signup',
			{ origin: PUBLIC_URL, 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(body.toString().length) },
			body.toString(),
		)
		expect(response.status, email).toBe(302)
		expect(String(response.headers['set-cookie'] ?? '')).not.toMatch(/session_token=/)
		return new URL(String(response.headers.location), PUBLIC_URL)
	}
	const taken = `taken-${Date.now()}@example.com`
	const free = `free-${Date.now()}@example.com`
	for (const email of [taken, taken, free]) {
		const location = await signUp(email)
		expect(location.pathname).toBe('/verify-email')
		expect(location.searchParams.get('email')).toBe(email)
	}
	expect(output).not.toMatch(/REQUIRE_EMAIL_VERIFICATION/)
})

test('deployed with REQUIRE_EMAIL_VERIFICATION=false, the app says once at start what that costs', async () => {
	const otherPort = port + 2
	const otherDir = mkdtempSync(path.join(tmpdir(), 'taskwell-e2e-noverify-'))
	const env: NodeJS.ProcessEnv = {
		...process.env,
		NODE_ENV: 'production',
		PORT: String(otherPort),
		HOST: '127.0.0.1',
		BETTER_AUTH_URL: PUBLIC_URL,
		BETTER_AUTH_SECRET: 'a-test-secret-that-is-long-enough-0123456789',
		SMTP_URL: 'smtp://127.0.0.1:9',
		REQUIRE_EMAIL_VERIFICATION: 'false',
		DATA_DIR: otherDir,
		LOG_LEVEL: 'info',
	}
	// The same database (already migrated), or an embedded one of its own.
	if (database) env.DATABASE_URL = database.url
	else delete env.DATABASE_URL
	delete env.BETTER_AUTH_SECRETS
	const other = spawn(process.execPath, [`${buildDir}/app-server.js`], { env, stdio: ['ignore', 'pipe', 'pipe'] })
	let log = ''
	try {
		await new Promise<void>((resolve, reject) => {
			const read = (chunk: Buffer) => {
				log += chunk.toString('utf8')
				if (log.includes('Taskwell app listening')) resolve()
			}
			other.stdout.on('data', read)
			other.stderr.on('data', read)
			other.once('exit', () => reject(new Error(`the app server exited:\n${log}`)))
		})
	} finally {
		other.kill('SIGTERM')
		await new Promise((resolve) => (other.exitCode !== null ? resolve(null) : other.once('exit', resolve)))
		rmSync(otherDir, { recursive: true, force: true })
	}
	const warnings = log.split('\n').filter((line) => line.includes('REQUIRE_EMAIL_VERIFICATION=false'))
	expect(warnings).toHaveLength(1)
	expect(JSON.parse(warnings[0]!)).toMatchObject({ level: 40, event: 'insecure-setting' })
	expect(warnings[0]).toMatch(/whether an address already has an account/)
})
