/**
 * What the benchmarks (bench/run.ts, bench/scale.ts) share: starting and
 * stopping server processes (their output to bench/.build/logs/), the CPU
 * time they use, and the measurement itself: autocannon load in
 * interleaved rounds, side by side (see docs/performance.md, "Method").
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import autocannon from 'autocannon'
import { exportJWK, generateKeyPair, SignJWT } from 'jose'
import { nodeFlags } from '../scripts/node-flags.mjs'

export const SECONDS = Number(process.env.BENCH_SECONDS ?? 10)
export const WARMUP = Number(process.env.BENCH_WARMUP ?? 2)
export const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16)
export const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10)
/**
 * Each round starts on new connections: the previous round's were dropped
 * with requests in flight (which the server still works through), and the
 * 16 new ones all ask at once. The first answers of a round come out of
 * that burst, hundreds of ms late on every server (up to 0.8 s on the
 * embedded database), the bare page's too, and set the p99. So each round
 * first runs BENCH_ROUND_SETTLE (1) s on its connections unmeasured: the
 * figures are of the steady state, as one continuous run after its warm-up
 * would measure.
 */
export const SETTLE = Number(process.env.BENCH_ROUND_SETTLE ?? 1)
export const ROOT = path.resolve(import.meta.dirname, '..')
/** The servers' standard output (their request logs): see start(). */
export const LOG_DIR = path.join(ROOT, 'bench/.build/logs')
/** BENCH_PROFILE=1: a CPU profile of each measured run (not start-up, not warm-up) of the app and the APIs, in bench/.build/profiles/ (read with bench/profile-summary.ts). */
export const PROFILE_DIR = path.join(ROOT, 'bench/.build/profiles')
/** BENCH_NODE_ARGS: extra node flags for every measured server (e.g. --trace-gc, --max-semi-space-size=32), split on spaces. */
export const NODE_ARGS = process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []
/**
 * BENCH_BASELINE_NODE_ARGS: node flags for the baseline build's servers only
 * (BENCH_BASELINE_DIR), after the others (V8 takes the last of a flag): a
 * change of flags measured side by side, with the same build as baseline.
 */
export const BASELINE_NODE_ARGS = process.env.BENCH_BASELINE_NODE_ARGS?.split(' ').filter(Boolean) ?? []
/**
 * The preload (counters, and the profiler when BENCH_PROFILE is set) and its
 * environment. `service`: one of Taskwell's, which then runs with the flags
 * `npm start` gives it (scripts/node-flags.mjs). `baseline`: a server of the
 * baseline build (BENCH_BASELINE_NODE_ARGS).
 */
export const instrumented = (
	name: string,
	service?: 'app' | 'api',
	{ baseline = false }: { baseline?: boolean } = {},
): { args: string[]; env: NodeJS.ProcessEnv } => ({
	args: [
		...(service ? nodeFlags(service) : []),
		...NODE_ARGS,
		...(baseline ? BASELINE_NODE_ARGS : []),
		'--import',
		'./bench/instrument.mjs',
	],
	env: process.env.BENCH_PROFILE ? { BENCH_PROFILE_FILE: path.join(PROFILE_DIR, `${name}.cpuprofile`) } : {},
})

export type Row = { name: string; rps: number; p50: number; p99: number; requests: number; extra?: string }
export const children = new Set<ChildProcess>()

/**
 * A server process. Its standard output (the request log lines) goes to a
 * file, bench/.build/logs/<name>.log, as a deployed service's would: read
 * through a pipe by this process, which is also the load generator, the
 * lines would cost the load generator time, and a full pipe would stall
 * the server's synchronous log writes. Standard error (the counters, errors)
 * is read here.
 */
export function start(name: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess & { output: () => string; marks: () => string } {
	let output = ''
	mkdirSync(LOG_DIR, { recursive: true })
	const logFile = path.join(LOG_DIR, `${name.replace(/[^a-z0-9]+/gi, '-')}.log`)
	const log = openSync(logFile, 'w')
	const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', log, 'pipe'] })
	closeSync(log)
	children.add(child)
	let marks = ''
	const keep = (chunk: Buffer) => {
		const text = chunk.toString()
		if (text.includes('BENCH_')) marks += text
		output += text
		if (output.length > 200_000) output = output.slice(-100_000)
	}
	child.stderr!.on('data', keep)
	const lastLines = () => `${readFileSync(logFile, 'utf8').slice(-3000)}${output.slice(-3000)}`
	child.on('exit', (code, signal) => {
		children.delete(child)
		if (code && code !== 0) console.error(`${name} exited with ${code ?? signal}:\n${lastLines()}`)
	})
	return Object.assign(child, { output: lastLines, marks: () => marks })
}

export async function stop(child: ChildProcess) {
	if (child.exitCode !== null || child.signalCode !== null) return
	const exited = new Promise((resolve) => child.once('exit', resolve))
	child.kill('SIGTERM')
	const timer = setTimeout(() => child.kill('SIGKILL'), 12_000)
	await exited
	clearTimeout(timer)
}

export async function waitFor(url: string) {
	for (let i = 0; i < 600; i++) {
		try {
			const response = await fetch(url)
			await response.body?.cancel()
			if (response.ok) return
		} catch {
			// not up yet
		}
		await new Promise((resolve) => setTimeout(resolve, 200))
	}
	throw new Error(`${url} did not come up`)
}

export type Hooks = { before?: () => Promise<unknown>; after?: () => Promise<unknown> }
/** One measured thing: a URL, the server processes whose CPU time it costs, optional counters around the measured rounds. */
export type Target = Hooks & {
	name: string
	url: string
	headers?: Record<string, string>
	/** A form post instead of a GET: its body (form-encoded), and the status every answer must have (e.g. 303). */
	post?: { body: string; status: number }
	/** Changes each request before it is sent (e.g. a client address of its own in X-Forwarded-For, another account's credentials). */
	perRequest?: (request: { headers: Record<string, string>; body?: string }) => { headers: Record<string, string>; body?: string }
	/** Server processes, by label (their CPU time per request is reported). */
	processes: Record<string, CpuSource>
	/** After the run: what the counters say per request. */
	describe?: (requests: number) => Promise<string>
}

/** A server process, or a group of processes (Postgres) whose CPU time is read together. */
export type CpuSource = ChildProcess | { cpuMs: () => number }
/** BENCH_CPU=sys: only the kernel's (system) CPU time counts. */
const SYSTEM_CPU_ONLY = process.env.BENCH_CPU === 'sys'

/** CPU time (user + system) a process has used so far, in ms (Linux /proc). */
export function processCpuMs(pid: number | string | undefined): number {
	try {
		const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
		return (((SYSTEM_CPU_ONLY ? 0 : Number(fields[11])) + Number(fields[12])) * 1000) / CLOCK_TICKS
	} catch {
		return Number.NaN
	}
}

export function cpuMs(source: CpuSource): number {
	return 'cpuMs' in source ? source.cpuMs() : processCpuMs(source.pid)
}

/**
 * The local Postgres server's processes (the postmaster, its backends and
 * workers): their CPU time together, when this user may read them (Linux
 * /proc; the server runs on this machine). A backend that exits takes its
 * time with it, so this counts the servers' pooled connections, which stay.
 */
export const postgresServer: CpuSource = {
	cpuMs() {
		let total = 0
		for (const pid of readdirSync('/proc')) {
			if (!/^\d+$/.test(pid)) continue
			try {
				if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'postgres') continue
			} catch {
				continue
			}
			const ms = processCpuMs(pid)
			if (Number.isFinite(ms)) total += ms
		}
		return total
	},
}
/** This process: autocannon, the load generator, shares the machine's cores with the servers it measures. */
const loadGenerator: CpuSource = {
	cpuMs() {
		const { user, system } = process.cpuUsage()
		return (SYSTEM_CPU_ONLY ? system : user + system) / 1000
	},
}
export const CLOCK_TICKS = (() => {
	try {
		return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100
	} catch {
		return 100
	}
})()

export function percentile(sorted: number[], p: number): number {
	return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN
}

/**
 * `settle` seconds of load, then `seconds` measured, on the same connections:
 * `measured` counts the answers (and `latencies` gets the times) of the
 * measured part only, which lasted `window` seconds (autocannon stops at its
 * next tick after the duration: ticks every 100 ms here).
 */
export async function load(target: Target, seconds: number, latencies?: number[], settle = 0, finishedAt?: number[]) {
	let measured = 0
	let from = 0
	let unexpected = 0
	const statuses = new Map<number, number>()
	const expected = target.post?.status ?? 200
	const result = await new Promise<autocannon.Result>((resolve, reject) => {
		const duration = settle + seconds
		const headers = { ...target.headers, ...(target.post ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) }
		const perRequest = target.perRequest
		const options = {
			url: target.url,
			connections: CONNECTIONS,
			pipelining: 1,
			headers,
			duration,
			sampleInt: 100,
			...(target.post ? { method: 'POST' as const, body: target.post.body } : {}),
			...(perRequest
				? {
						requests: [
							{
								setupRequest: (request: autocannon.Request) => ({
									...request,
									...perRequest({ headers: { ...(request.headers as Record<string, string>) }, body: request.body as string | undefined }),
								}),
							},
						],
					}
				: {}),
		}
		const instance = autocannon(options, (error, finished) => (error ? reject(error) : resolve(finished)))
		from = performance.now() + settle * 1000
		instance.on('response', (_client, status, _bytes, responseTime) => {
			if (status !== expected) {
				unexpected += 1
				statuses.set(status, (statuses.get(status) ?? 0) + 1)
			}
			if (performance.now() < from) return
			measured += 1
			latencies?.push(responseTime)
			finishedAt?.push(performance.now())
		})
	})
	const window = (performance.now() - from) / 1000
	if (unexpected || result.errors || result.timeouts) {
		throw new Error(
			`${target.name}: ${unexpected} answers other than ${expected} (${[...statuses].map(([status, n]) => `${n} × ${status}`).join(', ')}), ${result.errors} errors, ${result.timeouts} timeouts`,
		)
	}
	return { result, measured, window }
}

/**
 * How long, in how many rounds (defaults: BENCH_SECONDS, BENCH_ROUNDS,
 * BENCH_ROUND_SETTLE, BENCH_WARMUP); `between` runs before each measured
 * slot, outside it and its CPU count (e.g. renewing credentials that expire).
 */
export type Schedule = { seconds: number; rounds: number; settle: number; warmup: number; between?: () => Promise<unknown> }

/** A row, with each measured answer's latency and when it came (performance.now()), in the same order. */
export type SampledRow = Row & { samples: { latencies: number[]; finishedAt: number[] } }

/**
 * Side by side: every target is warmed up, then measured in BENCH_ROUNDS
 * rounds of BENCH_SECONDS / BENCH_ROUNDS seconds each, the order rotating
 * every round, so a neighbour's load on this shared machine falls on all of
 * them alike. Every answer must have the target's status (200, or its post's).
 */
export async function measureSideBySide(
	targets: Target[],
	{ seconds = SECONDS, rounds = ROUNDS, settle = SETTLE, warmup = WARMUP, between }: Partial<Schedule> = {},
): Promise<SampledRow[]> {
	for (const target of targets) {
		const { headers, body: postBody } = target.perRequest
			? target.perRequest({ headers: { ...target.headers }, body: target.post?.body })
			: { headers: target.headers, body: target.post?.body }
		const check = await fetch(
			target.url,
			target.post
				? {
						method: 'POST',
						redirect: 'manual',
						headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
						body: postBody,
					}
				: { headers },
		)
		const body = await check.text()
		if (check.status !== (target.post?.status ?? 200))
			throw new Error(`${target.name}: ${target.url} answered ${check.status}: ${body.slice(0, 300)}`)
		console.log(`  ${target.name}: ${body.length} bytes`)
		if (process.env.BENCH_DUMP) {
			mkdirSync(path.join(ROOT, 'bench/.build/bodies'), { recursive: true })
			writeFileSync(path.join(ROOT, 'bench/.build/bodies', `${target.name.replace(/[^a-z0-9]+/gi, '-')}.txt`), body)
		}
	}
	if (warmup > 0) for (const target of targets) await load(target, warmup)
	await Promise.all(targets.map((target) => target.before?.()))
	// sent: what the servers handled while their CPU time was counted (settling included; answered, or cut off at the end of a round): the divisor of per-request costs.
	const stats = targets.map(() => ({
		latencies: [] as number[],
		finishedAt: [] as number[],
		requests: 0,
		sent: 0,
		seconds: 0,
		cpu: {} as Record<string, number>,
	}))
	for (let round = 0; round < rounds; round++) {
		for (let k = 0; k < targets.length; k++) {
			const index = (k + round) % targets.length
			const target = targets[index]!
			const stat = stats[index]!
			await between?.()
			const processes = { ...target.processes, 'load generator': loadGenerator }
			const cpuBefore = Object.fromEntries(Object.entries(processes).map(([label, child]) => [label, cpuMs(child)]))
			const seen = stat.latencies.length
			const { result, measured, window } = await load(target, seconds / rounds, stat.latencies, settle, stat.finishedAt)
			stat.seconds += window
			stat.requests += measured
			if (process.env.BENCH_VERBOSE) {
				const round99 = percentile(
					stat.latencies.slice(seen).sort((x, y) => x - y),
					0.99,
				)
				console.log(
					`    round ${round + 1}: ${target.name}: ${(measured / window).toFixed(0)} req/s over ${window.toFixed(2)} s, p99 ${round99.toFixed(0)} ms`,
				)
			}
			stat.sent += (result.requests as { sent?: number }).sent ?? result.requests.total
			for (const [label, child] of Object.entries(processes)) {
				stat.cpu[label] = (stat.cpu[label] ?? 0) + cpuMs(child) - cpuBefore[label]!
			}
		}
	}
	await Promise.all(targets.map((target) => target.after?.()))
	const measured: SampledRow[] = []
	for (const [index, target] of targets.entries()) {
		const stat = stats[index]!
		const samples = { latencies: [...stat.latencies], finishedAt: stat.finishedAt }
		const sorted = stat.latencies.sort((x, y) => x - y)
		const cpu = Object.entries(stat.cpu)
			.map(([label, ms]) => `${label} ${(ms / stat.sent).toFixed(2)}`)
			.join(', ')
		const described = target.describe ? await target.describe(stat.sent) : ''
		const row: SampledRow = {
			name: target.name,
			rps: stat.requests / stat.seconds,
			p50: Math.round(percentile(sorted, 0.5) * 10) / 10,
			p99: Math.round(percentile(sorted, 0.99) * 10) / 10,
			requests: stat.requests,
			extra: [`CPU ms/request: ${cpu}`, described].filter(Boolean).join('; '),
			samples,
		}
		console.log(`  ${row.name}: ${row.rps.toFixed(0)} req/s, p50 ${row.p50} ms, p99 ${row.p99} ms; ${row.extra}`)
		measured.push(row)
	}
	return measured
}

export const ISSUER = 'http://localhost:3000'
export const AUDIENCE = 'taskwell-tasks-api'

/**
 * A key set the bench serves (for a task API started with AUTH_JWKS_URL =
 * jwksUrl, AUTH_ISSUER = ISSUER, TASKS_API_AUDIENCE = AUDIENCE) and tokens
 * signed with it: `tokenFor(sub)`, valid 5 minutes unless told.
 */
export async function benchTokens(cleanups: Array<() => Promise<void> | void>) {
	const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true })
	const jwk = { ...(await exportJWK(publicKey)), kid: 'bench', alg: 'EdDSA', use: 'sig' }
	const jwks = createServer((_req, res) => {
		res.setHeader('content-type', 'application/json')
		res.end(JSON.stringify({ keys: [jwk] }))
	})
	await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve))
	cleanups.push(() => void jwks.close())
	const jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/api/auth/jwks`
	const tokenFor = async (sub: string, lifetimeSeconds = 300) => {
		const now = Math.floor(Date.now() / 1000)
		return new SignJWT({})
			.setProtectedHeader({ alg: 'EdDSA', kid: 'bench', typ: 'JWT' })
			.setSubject(sub)
			.setIssuedAt(now)
			.setExpirationTime(now + lifetimeSeconds)
			.setIssuer(ISSUER)
			.setAudience(AUDIENCE)
			.sign(privateKey)
	}
	/** The private key as a JWK, for a process of the bench's own that signs (the bare page's floor row). */
	const privateJwk = JSON.stringify({ ...(await exportJWK(privateKey)), kid: 'bench', alg: 'EdDSA' })
	return { jwksUrl, tokenFor, privateJwk }
}
