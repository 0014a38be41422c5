/**
 * server/index.ts as a real process: refuses a bad environment with exit code
 * 1, starts on its port, and on SIGTERM finishes in-flight requests before
 * closing its pool and exiting 0.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, expect, test } from 'vitest'

const children: ChildProcess[] = []
afterAll(() => {
	for (const child of children) if (child.exitCode === null) child.kill('SIGKILL')
})

function startProcess(env: Record<string, string | undefined>) {
	const child = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], {
		env: { ...process.env, LOG_LEVEL: 'info', ...env },
		stdio: ['ignore', 'pipe', 'pipe'],
	})
	children.push(child)
	let stdout = ''
	let stderr = ''
	child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
	child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
	const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
	return { child, exited, output: () => ({ stdout, stderr }) }
}

async function freePort(): Promise<number> {
	const server = createServer()
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
	const { port } = server.address() as AddressInfo
	await new Promise<void>((resolve) => server.close(() => resolve()))
	return port
}

test('a bad variable: exit code 1 and a message naming it', async () => {
	const started = startProcess({ TASKS_API_PORT: 'not-a-port' })
	expect(await started.exited).toBe(1)
	expect(started.output().stderr).toContain('TASKS_API_PORT')
})

test('serves, then on SIGTERM finishes the in-flight request and exits 0', { timeout: 180_000 }, async () => {
	// A key set that answers slowly: /readyz waits for it (in flight).
	let slowHits = 0
	const slowJwks: Server = createServer((_req, res) => {
		slowHits += 1
		setTimeout(() => {
			res.setHeader('content-type', 'application/json')
			res.end(JSON.stringify({ keys: [{ kty: 'OKP', crv: 'Ed25519', x: 'v4Q1VQ0bXK2ZBOBJUH1YhqA9oiFq2OjEY3a7XzjRvKQ', kid: 'k', alg: 'EdDSA' }] }))
		}, 1500)
	})
	await new Promise<void>((resolve) => slowJwks.listen(0, '127.0.0.1', resolve))
	const jwksUrl = `http://127.0.0.1:${(slowJwks.address() as AddressInfo).port}/api/auth/jwks`
	const port = await freePort()
	// In-memory embedded database without DATABASE_URL: quicker to create.
	const started = startProcess({
		TASKS_API_PORT: String(port),
		AUTH_JWKS_URL: jwksUrl,
		...(process.env.DATABASE_URL ? {} : { DATA_DIR: 'memory://' }),
	})
	try {
		const deadline = Date.now() + 160_000
		while (!started.output().stdout.includes('task API listening')) {
			if (Date.now() > deadline || started.child.exitCode !== null) throw new Error(JSON.stringify(started.output()))
			await new Promise((resolve) => setTimeout(resolve, 100))
		}
		expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200)

		const inFlight = fetch(`http://127.0.0.1:${port}/readyz`)
		while (slowHits === 0) await new Promise((resolve) => setTimeout(resolve, 20))
		started.child.kill('SIGTERM')
		const response = await inFlight
		expect(response.status).toBe(200)
		expect(await started.exited).toBe(0)
		// No longer accepting.
		await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow()
		const lines = started.output().stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>)
		expect(lines.some((line) => line.msg === 'stopped')).toBe(true)
		expect(lines.find((line) => line.route === '/readyz')).toMatchObject({ status: 200, service: 'tasks-api' })
	} finally {
		slowJwks.closeAllConnections()
		await new Promise<void>((resolve) => slowJwks.close(() => resolve()))
	}
})
