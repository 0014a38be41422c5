/**
 * Benchmark (not a test): signed-in GET /tasks with 50 tasks, through the
 * whole stack (the app's production build, the BFF client, the task API).
 *
 *   npm run build && npx tsx bench/app-tasks-page.ts
 *   BUILD_DIR=build-c BENCH_SECONDS=10 BENCH_CONNECTIONS=16 npx tsx bench/app-tasks-page.ts
 *
 * Starts the app and the API from BUILD_DIR on a fresh embedded database,
 * signs one user up through the /signup form, adds 50 tasks through the
 * /tasks form, then keeps BENCH_CONNECTIONS keep-alive GET /tasks in flight
 * for BENCH_SECONDS after a warm-up, and prints requests/s and p50/p99.
 *
 * Per request it also reports: database queries made by the app (counted by
 * bench/count-queries.mjs preloaded into the app process), calls to the task
 * API and token signings (a counting proxy between the app and the API: a
 * signing is a token it had not seen before).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { Agent, createServer, request as httpRequest } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'

const seconds = Number(process.env.BENCH_SECONDS ?? 10)
const connections = Number(process.env.BENCH_CONNECTIONS ?? 16)
const buildDir = process.env.BUILD_DIR ?? 'build'

async function freePort() {
	return new Promise<number>((resolve) => {
		const probe = createServer()
		probe.listen(0, '127.0.0.1', () => {
			const { port } = probe.address() as AddressInfo
			probe.close(() => resolve(port))
		})
	})
}

const appPort = await freePort()
const apiPort = await freePort()
const dataDir = mkdtempSync(path.join(tmpdir(), 'taskwell-bench-app-'))
const base = `http://localhost:${appPort}`

// Counting proxy: the app talks to it, it forwards to the API.
let apiCalls = 0
const tokens = new Set<string>()
const proxyAgent = new Agent({ keepAlive: true })
const proxy = createServer((req, res) => {
	apiCalls += 1
	if (req.headers.authorization) tokens.add(req.headers.authorization)
	const forward = httpRequest(
		{ host: '127.0.0.1', port: apiPort, path: req.url, method: req.method, headers: req.headers, agent: proxyAgent },
		(answer) => {
			res.writeHead(answer.statusCode ?? 502, answer.headers)
			answer.pipe(res)
		},
	)
	req.pipe(forward)
})
await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve))
const proxyPort = (proxy.address() as AddressInfo).port

const env: NodeJS.ProcessEnv = {
	...process.env,
	NODE_ENV: 'production',
	PORT: String(appPort),
	TASKS_API_PORT: String(apiPort),
	TASKS_API_URL: `http://127.0.0.1:${proxyPort}`,
	BETTER_AUTH_URL: base,
	DATA_DIR: dataDir,
	LOG_LEVEL: 'warn',
}
delete env.DATABASE_URL
delete env.BETTER_AUTH_SECRET

let appStderr = ''
const app: ChildProcess = spawn(process.execPath, ['--import', './bench/count-queries.mjs', `${buildDir}/app-server.js`], {
	env,
	stdio: ['ignore', 'ignore', 'pipe'],
})
app.stderr!.on('data', (chunk: Buffer) => {
	appStderr += chunk.toString()
})
const api: ChildProcess = spawn(process.execPath, [`${buildDir}/api/index.js`], { env, stdio: 'ignore' })

async function waitFor(url: string) {
	for (let i = 0; i < 600; i++) {
		try {
			if ((await fetch(url)).ok) return
		} catch {
			// not yet
		}
		await new Promise((resolve) => setTimeout(resolve, 250))
	}
	throw new Error(`${url} did not come up`)
}

async function queriesSoFar(): Promise<number> {
	const before = appStderr.length
	app.kill('SIGUSR2')
	for (let i = 0; i < 100; i++) {
		const match = /BENCH_QUERIES (\d+)\n/.exec(appStderr.slice(before))
		if (match) return Number(match[1])
		await new Promise((resolve) => setTimeout(resolve, 20))
	}
	throw new Error('no query count from the app')
}

try {
	await waitFor(`${base}/`)
	await waitFor(`http://127.0.0.1:${apiPort}/healthz`)

	// Sign up through the form (same-origin POST).
	const signUp = await fetch(`${base}/signup`, {
		method: 'POST',
		redirect: 'manual',
		headers: { origin: base, 'content-type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams({
			name: 'Bench User',
			email: `bench-${Date.now()}@example.com`,
			password: 'a good long password',
			confirmPassword: 'a good long password',
		}),
	})
	const cookie = signUp.headers
		.getSetCookie()
		.map((value) => value.split(';')[0])
		.join('; ')
	if (!/session_token=/.test(cookie)) throw new Error(`sign-up failed (${signUp.status})`)

	for (let i = 1; i <= 50; i++) {
		const response = await fetch(`${base}/tasks`, {
			method: 'POST',
			redirect: 'manual',
			headers: { origin: base, cookie, 'content-type': 'application/x-www-form-urlencoded' },
			body: new URLSearchParams({
				intent: 'create',
				title: `Task number ${i}`,
				notes: i % 3 === 0 ? `Some notes for task ${i}` : '',
				priority: ['low', 'normal', 'high'][i % 3]!,
				dueDate: i % 2 === 0 ? `2030-01-${String((i % 28) + 1).padStart(2, '0')}` : '',
			}),
		})
		if (response.status !== 302) throw new Error(`adding a task answered ${response.status}`)
	}

	const agent = new Agent({ keepAlive: true, maxSockets: connections })
	function get(): Promise<number> {
		return new Promise((resolve, reject) => {
			const req = httpRequest(`${base}/tasks`, { agent, headers: { cookie } }, (res) => {
				let size = 0
				res.on('data', (chunk: Buffer) => (size += chunk.length))
				res.on('end', () => (res.statusCode === 200 ? resolve(size) : reject(new Error(`GET /tasks ${res.statusCode}`))))
			})
			req.on('error', reject)
			req.end()
		})
	}
	const firstSize = await get()
	if (firstSize < 5000) throw new Error('the page looks too small')

	// Warm-up.
	const warmUntil = Date.now() + 2000
	await Promise.all(
		Array.from({ length: connections }, async () => {
			while (Date.now() < warmUntil) await get()
		}),
	)

	// Measure.
	const latencies: number[] = []
	const queriesBefore = await queriesSoFar()
	const callsBefore = apiCalls
	const tokensBefore = tokens.size
	const started = performance.now()
	const until = Date.now() + seconds * 1000
	await Promise.all(
		Array.from({ length: connections }, async () => {
			while (Date.now() < until) {
				const t0 = performance.now()
				await get()
				latencies.push(performance.now() - t0)
			}
		}),
	)
	const elapsed = (performance.now() - started) / 1000
	const queries = (await queriesSoFar()) - queriesBefore
	latencies.sort((a, b) => a - b)
	const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!
	const n = latencies.length
	console.log(`signed-in GET /tasks, 50 tasks, ${connections} connections, ${seconds}s (${n} requests, page ${firstSize} bytes)`)
	console.log(
		`  ${(n / elapsed).toFixed(1)} req/s   p50 ${pct(50).toFixed(1)} ms   p90 ${pct(90).toFixed(1)} ms   p99 ${pct(99).toFixed(1)} ms`,
	)
	console.log(
		`  per request: ${(queries / n).toFixed(2)} app database queries, ${((apiCalls - callsBefore) / n).toFixed(2)} task API calls, ${((tokens.size - tokensBefore) / n).toFixed(3)} token signings (${tokens.size - tokensBefore} in the run; ${tokens.size} in total including setup)`,
	)
	agent.destroy()
} finally {
	for (const child of [app, api]) child.kill('SIGTERM')
	await new Promise((resolve) => setTimeout(resolve, 1500))
	proxy.close()
	proxyAgent.destroy()
	rmSync(dataDir, { recursive: true, force: true })
}
