/**
 * What one call to the task API costs the caller on its own: undici's
 * Pool.request of a 10 KB JSON answer (50 tasks) from a `node:http` server in
 * another process, in a loop, over TCP loopback and over a Unix socket,
 * with 1 and 4 requests in flight. Prints the caller's CPU (user + system,
 * and system alone) per request. docs/performance.md compares it with what
 * the same call costs inside a page server (`npm run bench`'s floor rows).
 *
 *   npx tsx bench/hop-call.ts
 *   HOP_DELAY_MS=5 npx tsx bench/hop-call.ts    # each answer 5 ms late: the caller waits idle, as a page server does
 */
import { fork } from 'node:child_process'
import { createServer } from 'node:http'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Pool } from 'undici'

const REQUESTS = Number(process.env.HOP_REQUESTS ?? 5000)

if (process.argv[2] === 'server') {
	const [, , , port, socketPath] = process.argv
	const body = JSON.stringify({
		items: Array.from({ length: 50 }, (_, n) => ({
			id: crypto.randomUUID(),
			title: `Task number ${n}`,
			notes: n % 3 === 0 ? `Some notes for task ${n}` : null,
			completed: false,
			priority: 'normal',
			dueDate: n % 2 === 0 ? '2030-01-02' : null,
			createdBy: crypto.randomUUID(),
			assigneeId: null,
		})),
		nextCursor: null,
		counts: { all: 50, active: 50, completed: 0 },
	})
	const send = (response: import('node:http').ServerResponse) => {
		response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) })
		response.end(body)
	}
	// HOP_DELAY_MS: the answer comes that much later (as a database query would make it), so the caller waits idle.
	const delay = Number(process.env.HOP_DELAY_MS ?? 0)
	const answer = (_request: unknown, response: import('node:http').ServerResponse) =>
		delay > 0 ? void setTimeout(() => send(response), delay) : send(response)
	createServer(answer).listen(Number(port), '127.0.0.1')
	createServer(answer).listen(socketPath, () => process.send?.('ready'))
} else {
	const dir = mkdtempSync(path.join(tmpdir(), 'taskwell-hop-'))
	const socketPath = path.join(dir, 'api.sock')
	const port = 40_000 + Math.floor(Math.random() * 20_000)
	const server = fork(fileURLToPath(import.meta.url), ['server', String(port), socketPath], { execArgv: ['--import', 'tsx'] })
	await new Promise((resolve) => server.once('message', resolve))
	const pools = {
		'TCP loopback': new Pool(`http://127.0.0.1:${port}`, { connections: 16 }),
		'Unix socket': new Pool('http://localhost', { connections: 16, socketPath }),
	}
	const run = async (pool: Pool, inFlight: number, requests: number) => {
		let sent = 0
		const before = process.cpuUsage()
		await Promise.all(
			Array.from({ length: inFlight }, async () => {
				while (sent < requests) {
					sent += 1
					const { body } = await pool.request({ path: '/v1/tasks', method: 'GET', headers: { authorization: 'Bearer x' } })
					await body.json()
				}
			}),
		)
		const used = process.cpuUsage(before)
		return { all: (used.user + used.system) / requests, system: used.system / requests }
	}
	try {
		for (const pool of Object.values(pools)) await run(pool, 4, 2000) // warm-up
		for (const inFlight of [1, 4]) {
			for (const [name, pool] of Object.entries(pools)) {
				const { all, system } = await run(pool, inFlight, REQUESTS)
				console.log(`${name}, ${inFlight} in flight: ${all.toFixed(0)} µs of CPU per request (system ${system.toFixed(0)} µs)`)
			}
		}
	} finally {
		server.kill()
		await Promise.all(Object.values(pools).map((pool) => pool.close()))
		rmSync(dir, { recursive: true, force: true })
	}
}
