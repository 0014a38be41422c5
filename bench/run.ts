/**
 * `npm run bench`: builds, then measures side by side in one run (issue 8):
 *
 *   1. a bare React Router 7 page (bench/bare-app: same React Router, same
 *      50-item markup, constant loader data; served by react-router-serve);
 *   2. Taskwell signed-in GET /tasks, 50 tasks, on PGlite and on Postgres;
 *      and on Postgres without prepared statements (DATABASE_POOLER=pgbouncer
 *      straight to Postgres: what transaction pooling costs the queries) and
 *      through a real PgBouncer in transaction mode (the same, plus its hop);
 *   3. the task API's list work hand-rolled (bench/hand-rolled-api.ts) vs the
 *      real GET /v1/tasks, 50 tasks, Postgres, and the same user's workspace
 *      list of 50 tasks (GET /v1/workspaces/{id}/tasks: the role read in the
 *      same query);
 *   4. 10,000 tasks for one user through the real API: the first page, a page
 *      deep in the cursor chain, a search (q).
 *
 * Load: autocannon, BENCH_CONNECTIONS (16) keep-alive connections,
 * BENCH_WARMUP (2) s of warm-up, then BENCH_SECONDS (10) s measured, per row.
 * Postgres: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres)
 * is only used to create and drop the bench's own databases.
 * BENCH_SKIP_BUILD=1 reuses bench/.build (gitignored).
 *
 * Each Taskwell row also reports what a warm request costs: database round
 * trips of the app and of the API, token signings and HMAC (cookie
 * signature) checks in the app, per request.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { closeSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import autocannon from 'autocannon'
import { exportJWK, generateKeyPair, SignJWT } from 'jose'
import postgres from 'postgres'
import { freePort, servicePair } from './services.ts'
import { missingPgBouncer, preparePgBouncer, startPgBouncer } from '#tests/support/pgbouncer.ts'

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10)
const WARMUP = Number(process.env.BENCH_WARMUP ?? 2)
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10)
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
const SETTLE = Number(process.env.BENCH_ROUND_SETTLE ?? 1)
const BASE_DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const ROOT = path.resolve(import.meta.dirname, '..')
/** BENCH_BUILD_DIR: measure another build of Taskwell (e.g. an older commit's, for before/after profiles). */
const BUILD = process.env.BENCH_BUILD_DIR ? path.resolve(process.env.BENCH_BUILD_DIR) : path.join(ROOT, 'bench/.build/taskwell')
const BARE_BUILD = path.join(ROOT, 'bench/.build/bare')
/**
 * BENCH_BASELINE_DIR: another build of Taskwell (e.g. the previous commit's,
 * built with BUILD_DIR=… npm run build) measured beside this one, on the
 * embedded database, in the same interleaved rounds: a change's before/after
 * figures side by side in one run.
 */
const BASELINE_BUILD = process.env.BENCH_BASELINE_DIR ? path.resolve(process.env.BENCH_BASELINE_DIR) : undefined
const ISSUER = 'http://localhost:3000'
const AUDIENCE = 'taskwell-tasks-api'
/** The servers' standard output (their request logs): see start(). */
const LOG_DIR = path.join(ROOT, 'bench/.build/logs')
/** BENCH_PROFILE=1: a CPU profile of each measured run (not start-up, not warm-up) of the app and the APIs, in bench/.build/profiles/ (read with bench/profile-summary.ts). */
const PROFILE_DIR = path.join(ROOT, 'bench/.build/profiles')
/** BENCH_NODE_ARGS: extra node flags for every measured server (e.g. --trace-gc, --max-semi-space-size=32), split on spaces. */
const NODE_ARGS = process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []
/** The preload (counters, and the profiler when BENCH_PROFILE is set) and its environment. */
const instrumented = (name: string): { args: string[]; env: NodeJS.ProcessEnv } => ({
	args: [...NODE_ARGS, '--import', './bench/instrument.mjs'],
	env: process.env.BENCH_PROFILE ? { BENCH_PROFILE_FILE: path.join(PROFILE_DIR, `${name}.cpuprofile`) } : {},
})

type Row = { name: string; rps: number; p50: number; p99: number; requests: number; extra?: string }
const rows: Row[] = []
const children = new Set<ChildProcess>()
const cleanups: Array<() => Promise<void> | void> = []

/**
 * A server process. Its standard output (the request log lines) goes to a
 * file, bench/.build/logs/<name>.log, as a deployed service's would: read
 * through a pipe by this process, which is also the load generator, the
 * lines would cost the load generator time, and a full pipe would stall
 * the server's synchronous log writes. Standard error (the counters, errors)
 * is read here.
 */
function start(name: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess & { output: () => string; marks: () => string } {
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

async function stop(child: ChildProcess) {
	if (child.exitCode !== null || child.signalCode !== null) return
	const exited = new Promise((resolve) => child.once('exit', resolve))
	child.kill('SIGTERM')
	const timer = setTimeout(() => child.kill('SIGKILL'), 12_000)
	await exited
	clearTimeout(timer)
}

async function waitFor(url: string) {
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

type Hooks = { before?: () => Promise<unknown>; after?: () => Promise<unknown> }
/** One measured thing: a URL, the server processes whose CPU time it costs, optional counters around the measured rounds. */
type Target = Hooks & {
	name: string
	url: string
	headers?: Record<string, string>
	/** Server processes, by label (their CPU time per request is reported). */
	processes: Record<string, CpuSource>
	/** After the run: what the counters say per request. */
	describe?: (requests: number) => Promise<string>
}

/** A server process, or a group of processes (Postgres) whose CPU time is read together. */
type CpuSource = ChildProcess | { cpuMs: () => number }

/** CPU time (user + system) a process has used so far, in ms (Linux /proc). */
function processCpuMs(pid: number | string | undefined): number {
	try {
		const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
		return (((process.env.BENCH_CPU === 'sys' ? 0 : Number(fields[11])) + Number(fields[12])) * 1000) / CLOCK_TICKS
	} catch {
		return Number.NaN
	}
}

function cpuMs(source: CpuSource): number {
	return 'cpuMs' in source ? source.cpuMs() : processCpuMs(source.pid)
}

/**
 * The local Postgres server's processes (the postmaster, its backends and
 * workers): their CPU time together, when this user may read them (Linux
 * /proc; the server runs on this machine). A backend that exits takes its
 * time with it, so this counts the servers' pooled connections, which stay.
 */
const postgresServer: CpuSource = {
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
const CLOCK_TICKS = (() => {
	try {
		return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100
	} catch {
		return 100
	}
})()

function percentile(sorted: number[], p: number): number {
	return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN
}

/**
 * `settle` seconds of load, then `seconds` measured, on the same connections:
 * `measured` counts the answers (and `latencies` gets the times) of the
 * measured part only, which lasted `window` seconds (autocannon stops at its
 * next tick after the duration: ticks every 100 ms here).
 */
async function load(target: Target, seconds: number, latencies?: number[], settle = 0) {
	let measured = 0
	let from = 0
	const result = await new Promise<autocannon.Result>((resolve, reject) => {
		const duration = settle + seconds
		const options = { url: target.url, connections: CONNECTIONS, pipelining: 1, headers: target.headers ?? {}, duration, sampleInt: 100 }
		const instance = autocannon(options, (error, finished) => (error ? reject(error) : resolve(finished)))
		from = performance.now() + settle * 1000
		instance.on('response', (_client, _status, _bytes, responseTime) => {
			if (performance.now() < from) return
			measured += 1
			latencies?.push(responseTime)
		})
	})
	const window = (performance.now() - from) / 1000
	if (result.non2xx || result.errors || result.timeouts) {
		throw new Error(`${target.name}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`)
	}
	return { result, measured, window }
}

/**
 * Side by side: every target is warmed up, then measured in BENCH_ROUNDS
 * rounds of BENCH_SECONDS / BENCH_ROUNDS seconds each, the order rotating
 * every round, so a neighbour's load on this shared machine falls on all of
 * them alike. Every answer must be a 200.
 */
async function measureSideBySide(targets: Target[]): Promise<Row[]> {
	for (const target of targets) {
		const check = await fetch(target.url, { headers: target.headers })
		const body = await check.text()
		if (check.status !== 200) throw new Error(`${target.name}: ${target.url} answered ${check.status}: ${body.slice(0, 300)}`)
		console.log(`  ${target.name}: ${body.length} bytes`)
		if (process.env.BENCH_DUMP) {
			mkdirSync(path.join(ROOT, 'bench/.build/bodies'), { recursive: true })
			writeFileSync(path.join(ROOT, 'bench/.build/bodies', `${target.name.replace(/[^a-z0-9]+/gi, '-')}.txt`), body)
		}
	}
	if (WARMUP > 0) for (const target of targets) await load(target, WARMUP)
	await Promise.all(targets.map((target) => target.before?.()))
	// sent: what the servers handled while their CPU time was counted (settling included; answered, or cut off at the end of a round): the divisor of per-request costs.
	const stats = targets.map(() => ({ latencies: [] as number[], requests: 0, sent: 0, seconds: 0, cpu: {} as Record<string, number> }))
	for (let round = 0; round < ROUNDS; round++) {
		for (let k = 0; k < targets.length; k++) {
			const index = (k + round) % targets.length
			const target = targets[index]!
			const stat = stats[index]!
			const cpuBefore = Object.fromEntries(Object.entries(target.processes).map(([label, child]) => [label, cpuMs(child)]))
			const seen = stat.latencies.length
			const { result, measured, window } = await load(target, SECONDS / ROUNDS, stat.latencies, SETTLE)
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
			for (const [label, child] of Object.entries(target.processes)) {
				stat.cpu[label] = (stat.cpu[label] ?? 0) + cpuMs(child) - cpuBefore[label]!
			}
		}
	}
	await Promise.all(targets.map((target) => target.after?.()))
	const measured: Row[] = []
	for (const [index, target] of targets.entries()) {
		const stat = stats[index]!
		const sorted = stat.latencies.sort((x, y) => x - y)
		const cpu = Object.entries(stat.cpu)
			.map(([label, ms]) => `${label} ${(ms / stat.sent).toFixed(2)}`)
			.join(', ')
		const described = target.describe ? await target.describe(stat.sent) : ''
		const row: Row = {
			name: target.name,
			rps: stat.requests / stat.seconds,
			p50: Math.round(percentile(sorted, 0.5) * 10) / 10,
			p99: Math.round(percentile(sorted, 0.99) * 10) / 10,
			requests: stat.requests,
			extra: [`CPU ms/request: ${cpu}`, described].filter(Boolean).join('; '),
		}
		console.log(`  ${row.name}: ${row.rps.toFixed(0)} req/s, p50 ${row.p50} ms, p99 ${row.p99} ms; ${row.extra}`)
		measured.push(row)
		rows.push(row)
	}
	return measured
}

// --- databases ------------------------------------------------------------
const admin = postgres(BASE_DATABASE_URL, { max: 1, onnotice: () => {} })
const stamp = `${Date.now()}_${process.pid}`
async function createDatabase(name: string): Promise<string> {
	await admin.unsafe(`create database "${name}"`)
	cleanups.push(() => admin.unsafe(`drop database if exists "${name}" with (force)`).then(() => {}))
	const url = new URL(BASE_DATABASE_URL)
	url.pathname = `/${name}`
	return url.toString()
}
/** Transactions committed in a database so far (each autocommit statement is one round trip). */
async function commits(name: string): Promise<number> {
	await new Promise((resolve) => setTimeout(resolve, 1200)) // backends flush their statistics at most once a second
	const [row] = await admin.begin(async (tx) => {
		await tx`select pg_stat_clear_snapshot()`
		return tx<{ n: string }[]>`select xact_commit + xact_rollback as n from pg_stat_database where datname = ${name}`
	})
	return Number(row?.n ?? 0)
}

function countsOf(
	app: ReturnType<typeof start>,
	profileWritten = false,
): Promise<{ pgliteQueries: number; signings: number; hmacChecks: number }> {
	const before = app.marks().length
	app.kill('SIGUSR2')
	return new Promise((resolve, reject) => {
		let tries = 0
		const timer = setInterval(() => {
			const output = app.marks().slice(before)
			const match = /BENCH_COUNTS (\{.*\})\n/.exec(output)
			if (match && (!profileWritten || !process.env.BENCH_PROFILE || output.includes('BENCH_PROFILE_WRITTEN'))) {
				clearInterval(timer)
				resolve(JSON.parse(match[1]!))
			} else if (++tries > 3000) {
				clearInterval(timer)
				reject(new Error(`no counts from process ${app.pid}: ${app.output().slice(-500)}`))
			}
		}, 20)
	})
}

// --- Taskwell: app + API, one user with 50 tasks, GET /tasks ---------------
async function taskwellPage(
	label: string,
	databaseUrl: string | undefined,
	databases?: { app: string; tasks: string },
	build = BUILD,
	/** DATABASE_POOLER, and the pooler's process (its CPU time is reported with the rest). */
	pooler?: { setting: 'pgbouncer'; process?: ChildProcess },
): Promise<Target> {
	const { apiPort, base, dataDir, env } = await servicePair('bench', 'info')
	cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }))
	const appEnv: NodeJS.ProcessEnv = { ...env, ...(pooler ? { DATABASE_POOLER: pooler.setting } : {}) }
	const apiEnv = { ...appEnv }
	if (databaseUrl && databases) {
		appEnv.DATABASE_URL = databaseUrl.replace(/\/[^/]*$/, `/${databases.app}`)
		apiEnv.DATABASE_URL = databaseUrl.replace(/\/[^/]*$/, `/${databases.tasks}`)
	}
	const appTools = instrumented(`app-${label}`)
	const apiTools = instrumented(`api-${label}`)
	const app = start(`app (${label})`, [...appTools.args, path.join(build, 'app-server.js')], { ...appEnv, ...appTools.env })
	const api = start(`API (${label})`, [...apiTools.args, path.join(build, 'api/index.js')], { ...apiEnv, ...apiTools.env })
	try {
		await waitFor(`${base}/healthz`)
		await waitFor(`http://127.0.0.1:${apiPort}/readyz`)
		const signUp = await fetch(`${base}/signup`, {
			method: 'POST',
			redirect: 'manual',
			headers: { origin: base, 'content-type': 'application/x-www-form-urlencoded' },
			body: new URLSearchParams({
				name: 'Bench User',
				email: `bench-${stamp}@example.com`,
				password: 'a good long password',
				confirmPassword: 'a good long password',
			}),
		})
		const cookie = signUp.headers
			.getSetCookie()
			.map((value) => value.split(';')[0])
			.join('; ')
		if (!/session_token=/.test(cookie)) throw new Error(`sign-up failed (${signUp.status})`)
		for (let n = 1; n <= 50; n++) {
			const response = await fetch(`${base}/tasks`, {
				method: 'POST',
				redirect: 'manual',
				headers: { origin: base, cookie, 'content-type': 'application/x-www-form-urlencoded' },
				body: new URLSearchParams({
					intent: 'create',
					title: `Task number ${n}`,
					notes: n % 3 === 0 ? `Some notes for task ${n}` : '',
					priority: ['low', 'normal', 'high'][n % 3]!,
					dueDate: n % 2 === 0 ? `2030-01-${String((n % 28) + 1).padStart(2, '0')}` : '',
				}),
			})
			await response.body?.cancel()
			if (response.status !== 302 && response.status !== 303) throw new Error(`adding a task answered ${response.status}`)
		}
		// A warm request: session, token and connections in place.
		await (await fetch(`${base}/tasks`, { headers: { cookie } })).text()

		type Snapshot = { app: Awaited<ReturnType<typeof countsOf>>; api: Awaited<ReturnType<typeof countsOf>>; appDb: number; apiDb: number }
		const snapshot = async (last: boolean): Promise<Snapshot> => {
			const [appCounts, apiCounts] = await Promise.all([countsOf(app, last), countsOf(api, last)])
			const [appDb, apiDb] = databases
				? await Promise.all([commits(databases.app), commits(databases.tasks)])
				: [appCounts.pgliteQueries, apiCounts.pgliteQueries]
			return { app: appCounts, api: apiCounts, appDb, apiDb }
		}
		let first: Snapshot | undefined
		let last: Snapshot | undefined
		return {
			name: `Taskwell GET /tasks, 50 tasks, ${label}`,
			url: `${base}/tasks`,
			headers: { cookie },
			processes: databaseUrl
				? { app, API: api, Postgres: postgresServer, ...(pooler?.process ? { PgBouncer: pooler.process } : {}) }
				: { app, API: api },
			before: async () => (first = await snapshot(false)),
			after: async () => (last = await snapshot(true)),
			describe: async (requests) => {
				const perRequest = (n: number) => (n / requests).toFixed(2)
				return [
					`app DB round trips/request ${perRequest(last!.appDb - first!.appDb)}`,
					`API DB round trips/request ${perRequest(last!.apiDb - first!.apiDb)}`,
					`token signings/request ${perRequest(last!.app.signings - first!.app.signings)}`,
					`HMAC checks/request ${perRequest(last!.app.hmacChecks - first!.app.hmacChecks)}`,
				].join(', ')
			},
		}
	} catch (error) {
		await Promise.all([stop(app), stop(api)])
		throw error
	}
}

// --- the task API: real vs hand-rolled, and 10,000 tasks --------------------
const WORDS =
	'alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa quebec romeo sierra tango uniform victor whiskey xray yankee zulu invoice report garden kitchen budget meeting dentist groceries laundry taxes flight hotel passport review deploy backup printer'.split(
		' ',
	)

/** `workspaceId`: the tasks go to that workspace's list (created by `userId`). */
async function seedTasks(url: string, userId: string, count: number, workspaceId: string | null = null) {
	const sql = postgres(url, { max: 1, onnotice: () => {} })
	const batch = 1000
	const start = Date.UTC(2025, 0, 1)
	for (let from = 0; from < count; from += batch) {
		const values = Array.from({ length: Math.min(batch, count - from) }, (_, j) => {
			const n = from + j + 1
			const completed = n % 5 === 0
			const at = new Date(start + n * 60_000)
			return {
				user_id: userId,
				workspace_id: workspaceId,
				title: `${WORDS[n % WORDS.length]} ${WORDS[(n * 7) % 41]} task ${n}`,
				notes: n % 3 === 0 ? `Some notes about ${WORDS[(n * 13) % 47]} for task ${n}` : null,
				completed,
				due_date: n % 2 === 0 ? `2030-01-${String((n % 28) + 1).padStart(2, '0')}` : null,
				priority: ['low', 'normal', 'high'][n % 3]!,
				created_at: at,
				updated_at: at,
				completed_at: completed ? at : null,
			}
		})
		await sql`insert into task ${sql(values)}`
	}
	// Autovacuum would have visited the table by now (10,000 inserts pass its insert threshold, and it wakes every minute): without this, the counts read the heap instead of the index alone.
	await sql`vacuum analyze task`
	// The seeding's writes flushed now rather than by a checkpoint during a measured round (needs a superuser or pg_checkpoint: skipped without).
	await sql`checkpoint`.catch(() => {})
	await sql.end()
}

async function taskApi(databaseUrl: string) {
	const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true })
	const jwk = { ...(await exportJWK(publicKey)), kid: 'bench', alg: 'EdDSA', use: 'sig' }
	const jwks = createServer((_req, res) => {
		res.setHeader('content-type', 'application/json')
		res.end(JSON.stringify({ keys: [jwk] }))
	})
	await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve))
	cleanups.push(() => void jwks.close())
	const jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/api/auth/jwks`
	const tokenFor = async (sub: string) => {
		const now = Math.floor(Date.now() / 1000)
		return new SignJWT({})
			.setProtectedHeader({ alg: 'EdDSA', kid: 'bench', typ: 'JWT' })
			.setSubject(sub)
			.setIssuedAt(now)
			.setExpirationTime(now + 300)
			.setIssuer(ISSUER)
			.setAudience(AUDIENCE)
			.sign(privateKey)
	}
	const apiPort = await freePort()
	const handPort = await freePort()
	const env: NodeJS.ProcessEnv = {
		...process.env,
		NODE_ENV: 'production',
		DATABASE_URL: databaseUrl,
		AUTH_JWKS_URL: jwksUrl,
		AUTH_ISSUER: ISSUER,
		TASKS_API_AUDIENCE: AUDIENCE,
		LOG_LEVEL: 'info',
	}
	const apiTools = instrumented('api-bench')
	const handTools = instrumented('hand-rolled')
	const api = start('API', [...apiTools.args, path.join(BUILD, 'api/index.js')], {
		...env,
		...apiTools.env,
		TASKS_API_PORT: String(apiPort),
	})
	// BENCH_BASELINE_DIR: the baseline build's API too, on the same database, for its rows (the lists and the searches).
	const baselinePort = BASELINE_BUILD ? await freePort() : undefined
	const baselineTools = instrumented('api-baseline')
	const baselineApi = BASELINE_BUILD
		? start('API, baseline build', [...baselineTools.args, path.join(BASELINE_BUILD, 'api/index.js')], {
				...env,
				...baselineTools.env,
				TASKS_API_PORT: String(baselinePort),
			})
		: undefined
	const hand = start('hand-rolled API', [...handTools.args, '--import', 'tsx', 'bench/hand-rolled-api.ts'], {
		...handTools.env,
		...env,
		PORT: String(handPort),
	})
	try {
		await waitFor(`http://127.0.0.1:${apiPort}/readyz`) // migrated
		if (baselinePort) await waitFor(`http://127.0.0.1:${baselinePort}/readyz`)
		await seedTasks(databaseUrl, 'bench-user-50', 50)
		await seedTasks(databaseUrl, 'bench-user-10k', 10_000)
		// The 50-task user also owns a workspace with 50 tasks of its own.
		const workspaceId = crypto.randomUUID()
		const seed = postgres(databaseUrl, { max: 1, onnotice: () => {} })
		await seed`insert into workspace (id) values (${workspaceId})`
		await seed`insert into workspace_member (workspace_id, user_id, role) values (${workspaceId}, 'bench-user-50', 'owner')`
		await seed.end()
		await seedTasks(databaseUrl, 'bench-user-50', 50, workspaceId)
		const small = { authorization: `Bearer ${await tokenFor('bench-user-50')}` }
		const big = { authorization: `Bearer ${await tokenFor('bench-user-10k')}` }
		const around = (child: ReturnType<typeof start>): Hooks => ({ before: () => countsOf(child), after: () => countsOf(child, true) })
		const apiBase = `http://127.0.0.1:${apiPort}/v1/tasks`
		// Follow the cursor chain 100 pages deep (tasks 5,001–5,050).
		let cursor: string | null = null
		for (let page = 0; page < 100; page++) {
			const response: Response = await fetch(cursor ? `${apiBase}?cursor=${cursor}` : apiBase, { headers: big })
			cursor = ((await response.json()) as { nextCursor: string | null }).nextCursor
			if (!cursor) throw new Error(`the cursor chain ended at page ${page + 1}`)
		}
		const pg = { Postgres: postgresServer }
		const baselineBase = `http://127.0.0.1:${baselinePort}`
		// The baseline build's rows: the 50-task list, the workspace list and both searches.
		const baselineRow = (name: string, pathAndQuery: string, headers: Record<string, string>): Target => ({
			name: `${name}, baseline build`,
			url: `${baselineBase}${pathAndQuery}`,
			headers,
			processes: { server: baselineApi!, ...pg },
		})
		const baselineRows: Target[] = baselineApi
			? [
					baselineRow('task API GET /v1/tasks, 50 tasks, Postgres', '/v1/tasks', small),
					baselineRow('task API, workspace list, 50 tasks, Postgres', `/v1/workspaces/${workspaceId}/tasks`, small),
					baselineRow('task API, 10,000 tasks: search q=passport', '/v1/tasks?q=passport', big),
					baselineRow('task API, 10,000 tasks: search q=task 777', '/v1/tasks?q=task%20777', big),
				]
			: []
		await measureSideBySide([
			...baselineRows,
			{
				name: 'hand-rolled API, 50 tasks, Postgres',
				url: `http://127.0.0.1:${handPort}/v1/tasks`,
				headers: small,
				processes: { server: hand, ...pg },
				...around(hand),
			},
			{
				name: 'task API GET /v1/tasks, 50 tasks, Postgres',
				url: apiBase,
				headers: small,
				processes: { server: api, ...pg },
				...around(api),
			},
			{
				name: 'task API, workspace list, 50 tasks, Postgres',
				url: `http://127.0.0.1:${apiPort}/v1/workspaces/${workspaceId}/tasks`,
				headers: small,
				processes: { server: api, ...pg },
				...around(api),
			},
			{ name: 'task API, 10,000 tasks: first page', url: apiBase, headers: big, processes: { server: api, ...pg } },
			{
				name: 'task API, 10,000 tasks: page 101 (cursor)',
				url: `${apiBase}?cursor=${cursor}`,
				headers: big,
				processes: { server: api, ...pg },
			},
			{ name: 'task API, 10,000 tasks: search q=passport', url: `${apiBase}?q=passport`, headers: big, processes: { server: api, ...pg } },
			// A rare match (11 of 10,000): without an index, every row of the user is read.
			{
				name: 'task API, 10,000 tasks: search q=task 777',
				url: `${apiBase}?q=task%20777`,
				headers: big,
				processes: { server: api, ...pg },
			},
		])
	} finally {
		await Promise.all([stop(api), stop(hand), ...(baselineApi ? [stop(baselineApi)] : [])])
	}
}

function print() {
	const isBaseline = (row: Row) => row.name.endsWith(', baseline build')
	const find = (prefix: string) => rows.find((row) => row.name.startsWith(prefix) && !isBaseline(row))
	const bare = find('bare')
	const pad = (text: string, width: number) => text.padEnd(width)
	console.log(
		`\n${CONNECTIONS} connections, ${WARMUP} s warm-up, ${SECONDS} s measured per row in ${ROUNDS} interleaved rounds (each after ${SETTLE} s of settling)\n`,
	)
	const width = Math.max(48, ...rows.map((row) => row.name.length))
	console.log(`| ${pad('what', width)} | req/s | p50 ms | p99 ms |`)
	console.log(`| ${'-'.repeat(width)} | ----- | ------ | ------ |`)
	for (const row of rows) {
		console.log(
			`| ${pad(row.name, width)} | ${String(Math.round(row.rps)).padStart(5)} | ${String(row.p50).padStart(6)} | ${String(row.p99).padStart(6)} |`,
		)
	}
	for (const row of rows) if (row.extra) console.log(`  ${row.name}: ${row.extra}`)
	const goals: string[] = []
	const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met')
	const named = (name: string) => rows.find((row) => row.name === name)
	for (const db of ['PGlite', 'Postgres']) {
		const page = named(`Taskwell GET /tasks, 50 tasks, ${db}`)
		if (bare && page) {
			const share = page.rps / bare.rps
			const p99 = page.p99 / bare.p99
			goals.push(
				`/tasks on ${db}: ${(share * 100).toFixed(0)} % of bare req/s (goal ≥ 60 %: ${verdict(share >= 0.6)}), p99 ${p99.toFixed(2)}× bare (goal ≤ 2×: ${verdict(p99 <= 2)})`,
			)
		}
	}
	// What transaction pooling costs: no prepared statements, then PgBouncer's hop too.
	const direct = named('Taskwell GET /tasks, 50 tasks, Postgres')
	for (const pooled of ['Postgres, no prepared statements', 'Postgres via PgBouncer']) {
		const row = named(`Taskwell GET /tasks, 50 tasks, ${pooled}`)
		if (direct && row) {
			console.log(
				`\n/tasks, ${pooled}: ${((row.rps / direct.rps) * 100).toFixed(1)} % of Postgres direct req/s, p99 ${(row.p99 / direct.p99).toFixed(2)}×`,
			)
		}
	}
	for (const baseline of rows.filter(isBaseline)) {
		const current = find(baseline.name.replace(/, baseline build$/, ''))
		if (!current) continue
		console.log(
			`\nThis build vs the baseline build, ${current.name}: ${((current.rps / baseline.rps) * 100).toFixed(1)} % of its req/s, p99 ${(current.p99 / baseline.p99).toFixed(2)}×`,
		)
	}
	const hand = find('hand-rolled')
	const api = find('task API GET')
	if (hand && api) {
		const share = api.rps / hand.rps
		goals.push(`task API: ${(share * 100).toFixed(0)} % of hand-rolled req/s (goal ≥ 80 %: ${verdict(share >= 0.8)})`)
	}
	const workspace = find('task API, workspace list')
	if (api && workspace) {
		const share = workspace.rps / api.rps
		goals.push(
			`workspace list: ${Math.round(workspace.rps)} req/s vs the personal list's ${Math.round(api.rps)}: ${(share * 100).toFixed(0)} % (goal ≥ 90 %: ${verdict(share >= 0.9)})`,
		)
	}
	const baselineApi = rows.find((row) => isBaseline(row) && row.name.startsWith('task API GET'))
	const baselineWorkspace = rows.find((row) => isBaseline(row) && row.name.startsWith('task API, workspace list'))
	if (baselineApi && baselineWorkspace) {
		const share = baselineWorkspace.rps / baselineApi.rps
		goals.push(
			`workspace list, baseline build: ${Math.round(baselineWorkspace.rps)} req/s vs its personal list's ${Math.round(baselineApi.rps)}: ${(share * 100).toFixed(0)} %`,
		)
	}
	for (const row of rows.filter((r) => r.name.startsWith('task API, 10,000') && !isBaseline(r))) {
		if (!api) break
		const ratio = row.p99 / api.p99
		goals.push(`${row.name.replace('task API, ', '')}: p99 ${ratio.toFixed(2)}× the 50-task p99 (goal ≤ 1.5×: ${verdict(ratio <= 1.5)})`)
	}
	console.log(`\nGoals:\n${goals.map((goal) => `- ${goal}`).join('\n')}`)
}

async function main() {
	if (process.env.BENCH_PROFILE) mkdirSync(PROFILE_DIR, { recursive: true })
	if (!process.env.BENCH_SKIP_BUILD) {
		console.log('building Taskwell and the bare app…')
		execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, BUILD_DIR: BUILD } })
		execFileSync('npx', ['react-router', 'build', 'bench/bare-app'], {
			cwd: ROOT,
			stdio: 'inherit',
			env: { ...process.env, BARE_BUILD_DIR: BARE_BUILD },
		})
	}
	const only = process.env.BENCH_ONLY?.split(',')
	const want = (part: string) => !only || only.includes(part)

	const pages: Target[] = []
	const servers: ChildProcess[] = []
	try {
		if (want('bare')) {
			const port = await freePort()
			const bareTools = instrumented('bare')
			const bare = start(
				'bare app',
				[...bareTools.args, path.join(ROOT, 'node_modules/@react-router/serve/bin.js'), path.join(BARE_BUILD, 'server/index.js')],
				{
					...process.env,
					...bareTools.env,
					NODE_ENV: 'production',
					PORT: String(port),
					HOST: '127.0.0.1',
				},
			)
			servers.push(bare)
			await waitFor(`http://127.0.0.1:${port}/tasks`)
			pages.push({
				name: 'bare React Router page, 50 items',
				url: `http://127.0.0.1:${port}/tasks`,
				processes: { server: bare },
				before: () => countsOf(bare),
				after: () => countsOf(bare, true),
			})
		}
		if (want('pglite')) pages.push(await taskwellPage('PGlite', undefined))
		if (BASELINE_BUILD && want('pglite')) pages.push(await taskwellPage('PGlite, baseline build', undefined, undefined, BASELINE_BUILD))
		if (want('postgres')) {
			const appDb = `taskwell_bench_app_${stamp}`
			const tasksDb = `taskwell_bench_tasks_${stamp}`
			await createDatabase(appDb)
			await createDatabase(tasksDb)
			pages.push(await taskwellPage('Postgres', BASE_DATABASE_URL, { app: appDb, tasks: tasksDb }))
		}
		if (want('pgbouncer')) {
			const missing = missingPgBouncer()
			if (missing) throw new Error(`BENCH_ONLY=pgbouncer: ${missing}`)
			const pooled = async (label: string, via: (databaseUrl: string) => string, process?: ChildProcess) => {
				const databases = { app: `taskwell_bench_app_${label}_${stamp}`, tasks: `taskwell_bench_tasks_${label}_${stamp}` }
				await createDatabase(databases.app)
				await createDatabase(databases.tasks)
				return taskwellPage(
					label === 'unprepared' ? 'Postgres, no prepared statements' : 'Postgres via PgBouncer',
					via(BASE_DATABASE_URL),
					databases,
					BUILD,
					{ setting: 'pgbouncer', ...(process ? { process } : {}) },
				)
			}
			// DATABASE_POOLER=pgbouncer straight to Postgres: the queries as behind PgBouncer, without its hop.
			pages.push(await pooled('unprepared', (url) => url))
			const bouncerDir = mkdtempSync(path.join(tmpdir(), 'taskwell-bench-pgbouncer-'))
			cleanups.push(() => rmSync(bouncerDir, { recursive: true, force: true }))
			const bouncerPort = await freePort()
			const setup = preparePgBouncer(bouncerDir, BASE_DATABASE_URL, bouncerPort)
			const bouncer = await startPgBouncer(setup, bouncerPort)
			cleanups.push(() => bouncer.stop())
			pages.push(await pooled('pgbouncer', setup.url, bouncer.process))
		}
		for (const page of pages)
			servers.push(...Object.values(page.processes).filter((source): source is ChildProcess => !('cpuMs' in source)))
		if (pages.length) await measureSideBySide(pages)
	} finally {
		await Promise.all([...new Set(servers)].map(stop))
	}
	if (want('api')) await taskApi(await createDatabase(`taskwell_bench_api_${stamp}`))
	print()
}

try {
	await main()
} finally {
	for (const child of children) child.kill('SIGKILL')
	for (const cleanup of cleanups.reverse()) await Promise.resolve(cleanup()).catch(() => {})
	await admin.end({ timeout: 2 })
}
