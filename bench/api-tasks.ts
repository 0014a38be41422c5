/**
 * Benchmark (not a test): GET /v1/tasks with a valid token and 50 tasks.
 *
 *   npx tsx bench/api-tasks.ts            # fresh embedded database (PGlite)
 *   DATABASE_URL=postgres://… npx tsx bench/api-tasks.ts
 *
 * Starts the real API process (server/index.ts, logging at info to
 * /dev/null) against a fresh database and a local JWKS, creates 50 tasks for
 * one user, then keeps BENCH_CONNECTIONS (default 32) keep-alive requests in
 * flight for BENCH_SECONDS (default 10) after a 2 s warm-up, and prints
 * requests/s and p50/p90/p99 latency.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { Agent, createServer, request } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { exportJWK, generateKeyPair, SignJWT } from 'jose'
import postgres from 'postgres'

const seconds = Number(process.env.BENCH_SECONDS ?? 10)
const connections = Number(process.env.BENCH_CONNECTIONS ?? 32)
const taskCount = 50
const issuer = 'http://localhost:3000'

// Signing key and its JWKS, as the app would serve it.
const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true })
const jwk = { ...(await exportJWK(publicKey)), kid: 'bench', alg: 'EdDSA', use: 'sig' }
const jwksServer = createServer((_req, res) => {
	res.setHeader('content-type', 'application/json')
	res.end(JSON.stringify({ keys: [jwk] }))
})
await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve))
const jwksUrl = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/api/auth/jwks`

// A fresh database: a temporary directory, or a throwaway Postgres database.
const dataDir = mkdtempSync(path.join(tmpdir(), 'taskwell-bench-'))
let databaseUrl: string | undefined
let dropDatabase = async () => {}
if (process.env.DATABASE_URL) {
	const name = `taskwell_bench_${Date.now()}`
	const admin = postgres(process.env.DATABASE_URL, { max: 1, onnotice: () => {} })
	await admin.unsafe(`create database "${name}"`)
	const url = new URL(process.env.DATABASE_URL)
	url.pathname = `/${name}`
	databaseUrl = url.toString()
	dropDatabase = async () => {
		await admin.unsafe(`drop database if exists "${name}" with (force)`)
		await admin.end()
	}
}

const port = await new Promise<number>((resolve) => {
	const probe = createServer()
	probe.listen(0, '127.0.0.1', () => {
		const { port: free } = probe.address() as AddressInfo
		probe.close(() => resolve(free))
	})
})
const env: Record<string, string | undefined> = {
	...process.env,
	TASKS_API_PORT: String(port),
	AUTH_JWKS_URL: jwksUrl,
	AUTH_ISSUER: issuer,
	DATA_DIR: dataDir,
	DATABASE_URL: databaseUrl,
	LOG_LEVEL: 'info',
}
if (!databaseUrl) delete env.DATABASE_URL
const api = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], { env, stdio: ['ignore', 'pipe', 'inherit'] })
await new Promise<void>((resolve, reject) => {
	let output = ''
	api.stdout!.on('data', (chunk: Buffer) => {
		if (output.length < 10_000) {
			output += chunk.toString()
			if (output.includes('task API listening')) resolve()
		}
	})
	api.on('exit', (code) => reject(new Error(`API exited with ${code}`)))
})
api.stdout!.resume() // request logs are produced (real cost) and dropped

const base = `http://127.0.0.1:${port}`
const now = Math.floor(Date.now() / 1000)
const token = await new SignJWT({ sub: 'bench-user' })
	.setProtectedHeader({ alg: 'EdDSA', kid: 'bench', typ: 'JWT' })
	.setIssuedAt(now)
	.setExpirationTime(now + 300)
	.setIssuer(issuer)
	.setAudience('taskwell-tasks-api')
	.sign(privateKey)

for (let i = 0; i < taskCount; i++) {
	const response = await fetch(`${base}/v1/tasks`, {
		method: 'POST',
		headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
		body: JSON.stringify({
			title: `Benchmark task ${i}`,
			notes: i % 2 ? `Some notes for task ${i}` : undefined,
			priority: (['low', 'normal', 'high'] as const)[i % 3],
			dueDate: i % 4 ? `2026-12-${String((i % 28) + 1).padStart(2, '0')}` : undefined,
			completed: i % 5 === 0,
		}),
	})
	if (response.status !== 201) throw new Error(`create failed: ${response.status} ${await response.text()}`)
}

const agent = new Agent({ keepAlive: true, maxSockets: connections })
function get(): Promise<{ status: number; ms: number; bytes: number }> {
	const started = performance.now()
	return new Promise((resolve, reject) => {
		const req = request(`${base}/v1/tasks`, { agent, headers: { authorization: `Bearer ${token}` } }, (res) => {
			let bytes = 0
			res.on('data', (chunk: Buffer) => (bytes += chunk.length))
			res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started, bytes }))
		})
		req.on('error', reject)
		req.end()
	})
}

const first = await get()
if (first.status !== 200) throw new Error(`GET /v1/tasks answered ${first.status}`)

async function run(durationMs: number) {
	const latencies: number[] = []
	let errors = 0
	const end = performance.now() + durationMs
	await Promise.all(
		Array.from({ length: connections }, async () => {
			while (performance.now() < end) {
				const result = await get().catch(() => ({ status: 0, ms: 0, bytes: 0 }))
				if (result.status === 200) latencies.push(result.ms)
				else errors += 1
			}
		}),
	)
	return { latencies, errors }
}

await run(2000) // warm-up (JIT, connection pool, key cache)
const started = performance.now()
const { latencies, errors } = await run(seconds * 1000)
const elapsed = (performance.now() - started) / 1000
latencies.sort((a, b) => a - b)
const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN

console.log(
	JSON.stringify(
		{
			endpoint: 'GET /v1/tasks (50 tasks, limit 50, valid EdDSA token)',
			database: databaseUrl ? 'postgres' : 'pglite',
			connections,
			seconds: Math.round(elapsed * 10) / 10,
			requests: latencies.length,
			errors,
			requestsPerSecond: Math.round(latencies.length / elapsed),
			latencyMs: { p50: +at(0.5).toFixed(2), p90: +at(0.9).toFixed(2), p99: +at(0.99).toFixed(2), max: +at(1).toFixed(2) },
			responseBytes: first.bytes,
		},
		null,
		2,
	),
)

agent.destroy()
api.kill('SIGTERM')
await new Promise((resolve) => api.on('exit', resolve))
jwksServer.close()
await dropDatabase()
rmSync(dataDir, { recursive: true, force: true })
