/**
 * server/index.ts as a real process: refuses a bad environment with exit code
 * 1, starts on its port, and on SIGTERM stops accepting, answers /readyz
 * with 503, finishes in-flight requests, closes its pool and exits 0.
 */
import { createServer, type Server } from 'node:http'
import { connect, type AddressInfo } from 'node:net'
import { expect, test } from 'vitest'
import { freePort, startApiProcess } from './api-process.ts'

/** Health checks log at debug: the shutdown test reads them. */
const startProcess = (env: Record<string, string | undefined>) => startApiProcess({ LOG_LEVEL: 'debug', ...env })

test('a bad variable: exit code 1 and a message naming it', async () => {
	const started = startProcess({ TASKS_API_PORT: 'not-a-port' })
	expect(await started.exited).toBe(1)
	expect(started.output().stderr).toContain('TASKS_API_PORT')
})

/** One kept-alive connection, written to by hand (so requests can be pipelined). */
function rawConnection(port: number) {
	const socket = connect(port, '127.0.0.1')
	let received = ''
	socket.on('data', (chunk: Buffer) => (received += chunk.toString()))
	const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()))
	return {
		get: (path: string) => socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`),
		statuses: () => [...received.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((match) => Number(match[1])),
		closed,
	}
}

test('serves, then on SIGTERM: /readyz 503, the in-flight request finishes, pool closed, exit 0', { timeout: 180_000 }, async () => {
	// A key set that answers slowly: /readyz waits for it (in flight).
	let slowHits = 0
	const slowJwks: Server = createServer((_req, res) => {
		slowHits += 1
		setTimeout(() => {
			res.setHeader('content-type', 'application/json')
			res.end(
				JSON.stringify({
					keys: [{ kty: 'OKP', crv: 'Ed25519', x: 'v4Q1VQ0bXK2ZBOBJUH1YhqA9oiFq2OjEY3a7XzjRvKQ', kid: 'k', alg: 'EdDSA' }],
				}),
			)
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

		// A load balancer's kept-alive connection with a request in flight.
		const connection = rawConnection(port)
		connection.get('/readyz')
		while (slowHits === 0) await new Promise((resolve) => setTimeout(resolve, 20))
		started.child.kill('SIGTERM')
		while (!started.output().stdout.includes('shutting down')) await new Promise((resolve) => setTimeout(resolve, 20))
		// No new connections; the kept-alive one may still ask: not ready.
		await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow()
		connection.get('/readyz')
		// The in-flight request completes (200), then the drain answer (503),
		// then the server closes the idle connection.
		await connection.closed
		expect(connection.statuses()).toEqual([200, 503])
		expect(await started.exited).toBe(0)
		const lines = started
			.output()
			.stdout.trim()
			.split('\n')
			.map((line) => JSON.parse(line) as Record<string, unknown>)
		expect(lines.some((line) => line.msg === 'stopped')).toBe(true)
		expect(lines.some((line) => line.msg === 'closing the database failed')).toBe(false)
		// (Logged as each finishes: the drain answer first.)
		expect(lines.filter((line) => line.route === '/readyz').map((line) => line.status)).toEqual([503, 200])
	} finally {
		slowJwks.closeAllConnections()
		await new Promise<void>((resolve) => slowJwks.close(() => resolve()))
	}
})
