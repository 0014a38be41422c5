/**
 * The production app server (build/app-server.js) as a load balancer sees
 * it, on its own port and embedded database: /healthz and /readyz answer
 * without auth, never cached, and stay out of the info-level request log;
 * on SIGTERM it stops accepting, lets the request in flight finish, answers
 * /readyz with 503 on a kept-alive connection meanwhile, closes its database
 * and exits 0.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { expect, test } from '@playwright/test'
import { jsonLogLines } from './support.ts'

test.describe.configure({ mode: 'serial' })

const buildDir = process.env.BUILD_DIR ?? 'build'
let port = 0
let dataDir = ''
let app: ChildProcess | undefined
let output = ''
let exited: Promise<number | null>

const logLines = () => jsonLogLines(output)

test.beforeAll(async () => {
	test.setTimeout(180_000)
	const base = Number(process.env.E2E_PORT ?? 3100)
	port = base + 40
	dataDir = mkdtempSync(path.join(tmpdir(), 'taskwell-e2e-lifecycle-'))
	const env: NodeJS.ProcessEnv = {
		...process.env,
		NODE_ENV: 'production',
		PORT: String(port),
		TASKS_API_PORT: String(port + 1),
		BETTER_AUTH_URL: `http://localhost:${port}`,
		DATA_DIR: dataDir,
		LOG_LEVEL: 'info',
	}
	delete env.BETTER_AUTH_SECRET
	delete env.DATABASE_URL // its own embedded database
	app = spawn(process.execPath, [`${buildDir}/app-server.js`], { env, stdio: ['ignore', 'pipe', 'pipe'] })
	app.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')))
	app.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')))
	exited = new Promise((resolve) => app!.once('exit', (code) => resolve(code)))
	const deadline = Date.now() + 150_000
	for (;;) {
		const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
			(r) => r.ok,
			() => false,
		)
		if (ok) break
		if (Date.now() > deadline || app.exitCode !== null) throw new Error(`the app did not start:\n${output}`)
		await new Promise((resolve) => setTimeout(resolve, 250))
	}
})

test.afterAll(async () => {
	if (app && app.exitCode === null && app.signalCode === null) app.kill('SIGKILL')
	if (dataDir) rmSync(dataDir, { recursive: true, force: true })
})

test('/healthz and /readyz: 200, no-store, no auth, not logged at info level', async () => {
	const healthz = await fetch(`http://127.0.0.1:${port}/healthz`)
	expect(healthz.status).toBe(200)
	expect(healthz.headers.get('cache-control')).toBe('no-store')
	expect(await healthz.json()).toEqual({ status: 'ok' })

	const readyz = await fetch(`http://127.0.0.1:${port}/readyz`)
	expect(readyz.status).toBe(200)
	expect(readyz.headers.get('cache-control')).toBe('no-store')
	expect(await readyz.json()).toEqual({ status: 'ready', checks: { database: 'ok', signingKey: 'ok' } })

	// An ordinary page is logged; the health checks are not (debug only).
	expect((await fetch(`http://127.0.0.1:${port}/login`)).status).toBe(200)
	await expect.poll(() => logLines().some((line) => line.msg === 'request' && line.path === '/login')).toBe(true)
	const requests = logLines().filter((line) => line.msg === 'request')
	expect(requests.filter((line) => line.path === '/healthz' || line.path === '/readyz')).toEqual([])
})

test('SIGTERM: the request in flight finishes, /readyz 503 meanwhile, exit 0', async () => {
	test.setTimeout(60_000)
	// A browser posting the sign-in form over a slow link: the body is still
	// on its way when the stop begins. It asks for "100 Continue" (as curl
	// does for large bodies), so the test knows the request has reached the app.
	const body = new URLSearchParams({ email: 'nobody@example.com', password: 'not the password' }).toString()
	const socket = connect(port, '127.0.0.1')
	let received = ''
	socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')))
	const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()))
	await new Promise<void>((resolve) => socket.once('connect', () => resolve()))
	socket.write(
		[
			'POST /login HTTP/1.1',
			`Host: localhost:${port}`,
			`Origin: http://localhost:${port}`,
			'Content-Type: application/x-www-form-urlencoded',
			`Content-Length: ${body.length}`,
			'Expect: 100-continue',
			'',
			body.slice(0, 10),
		].join('\r\n'),
	)
	await expect.poll(() => received).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\n/)

	app!.kill('SIGTERM')
	await expect.poll(() => output.includes('shutting down')).toBe(true)
	// No new connections...
	await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow()
	// ...while the kept-alive one finishes its request, then asks if ready.
	socket.write(`${body.slice(10)}GET /readyz HTTP/1.1\r\nHost: localhost:${port}\r\n\r\n`)
	await closed
	const statuses = [...received.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((match) => Number(match[1])).filter((status) => status >= 200)
	expect(statuses).toHaveLength(2)
	expect(statuses[0]).toBeLessThan(500) // the sign-in form answered (wrong password)
	expect(statuses[1]).toBe(503)
	expect(received).toContain('{"status":"stopping"}')

	expect(await exited).toBe(0)
	const lines = logLines()
	expect(lines.some((line) => line.msg === 'stopped')).toBe(true)
	expect(lines.some((line) => line.msg === 'closing the database failed')).toBe(false)
	expect(lines.find((line) => line.msg === 'request' && line.path === '/login' && line.method === 'POST')).toMatchObject({
		status: statuses[0],
	})
})
