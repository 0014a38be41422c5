/**
 * `npm run bench`: builds, then measures side by side in one run (issue 8):
 *
 *   1. a bare React Router 7 page (bench/bare-app: same React Router, same
 *      50-item markup, constant loader data; served by react-router-serve);
 *   2. the floor: the same bare page whose loader asks a task API for the 50
 *      tasks (one undici request with a cached token, nothing else: the hop
 *      at its leanest), the API on PGlite and on Postgres;
 *   3. Taskwell signed-in GET /tasks, 50 tasks, on PGlite and on Postgres;
 *      and on Postgres without prepared statements (DATABASE_POOLER=pgbouncer
 *      straight to Postgres: what transaction pooling costs the queries) and
 *      through a real PgBouncer in transaction mode (the same, plus its hop);
 *   4. the task API's list work hand-rolled (bench/hand-rolled-api.ts) vs the
 *      real GET /v1/tasks, 50 tasks, Postgres, and the same user's workspace
 *      list of 50 tasks (GET /v1/workspaces/{id}/tasks: the role read in the
 *      same query);
 *   5. 10,000 tasks for one user through the real API: the first page, a page
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
import { execFileSync, type ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import postgres from 'postgres'
import {
	AUDIENCE,
	CONNECTIONS,
	children,
	type Hooks,
	instrumented,
	ISSUER,
	measureSideBySide as measure,
	postgresServer,
	PROFILE_DIR,
	ROOT,
	ROUNDS,
	type Row,
	SECONDS,
	SETTLE,
	benchTokens,
	start,
	stop,
	type Target,
	waitFor,
	WARMUP,
} from './harness.ts'
import { freePort, servicePair } from './services.ts'
import { missingPgBouncer, preparePgBouncer, startPgBouncer } from '#tests/support/pgbouncer.ts'

const BASE_DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
/** BENCH_BUILD_DIR: measure another build of Taskwell (e.g. an older commit's, for before/after profiles). */
const BUILD = process.env.BENCH_BUILD_DIR ? path.resolve(process.env.BENCH_BUILD_DIR) : path.join(ROOT, 'bench/.build/taskwell')
const BARE_BUILD = path.join(ROOT, 'bench/.build/bare')
/**
 * BENCH_BASELINE_DIR: another build of Taskwell (e.g. the previous commit's,
 * built with BUILD_DIR=… npm run build) measured beside this one, on the
 * embedded database, in the same interleaved rounds: a change's before/after
 * figures side by side in one run. BENCH_BASELINE_NODE_ARGS: node flags for
 * the baseline build's servers only (a change of flags: the same build twice).
 */
const BASELINE_BUILD = process.env.BENCH_BASELINE_DIR ? path.resolve(process.env.BENCH_BASELINE_DIR) : undefined
const rows: Row[] = []
const cleanups: Array<() => Promise<void> | void> = []

/** Measures side by side (harness.ts) and keeps the rows for the summary. */
async function measureSideBySide(targets: Target[]): Promise<Row[]> {
	const measured = await measure(targets)
	rows.push(...measured)
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

/**
 * The n-th (1 to 50) of the tasks each page row adds, through the forms or
 * the API: bench/bare-app's constant list holds the same, newest first.
 */
function benchTask(n: number) {
	return {
		title: `Task number ${n}`,
		notes: n % 3 === 0 ? `Some notes for task ${n}` : null,
		priority: ['low', 'normal', 'high'][n % 3]!,
		dueDate: n % 2 === 0 ? `2030-01-${String((n % 28) + 1).padStart(2, '0')}` : null,
	}
}
/** A task as the add form sends it: an empty field for a missing value. */
function formFields(task: ReturnType<typeof benchTask>): Record<string, string> {
	return Object.fromEntries(Object.entries(task).map(([field, value]) => [field, value ?? '']))
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
	const baseline = label.endsWith('baseline build')
	const appTools = instrumented(`app-${label}`, 'app', { baseline })
	const apiTools = instrumented(`api-${label}`, 'api', { baseline })
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
				body: new URLSearchParams({ intent: 'create', ...formFields(benchTask(n)) }),
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

/** The bare app (bench/bare-app, built into BARE_BUILD) under react-router-serve, on a free port; `name` names its profile. */
async function startBare(name: string, extraEnv: NodeJS.ProcessEnv = {}) {
	const port = await freePort()
	const tools = instrumented(name)
	const bare = start(
		name,
		[...tools.args, path.join(ROOT, 'node_modules/@react-router/serve/bin.js'), path.join(BARE_BUILD, 'server/index.js')],
		{ ...process.env, ...tools.env, NODE_ENV: 'production', PORT: String(port), HOST: '127.0.0.1', ...extraEnv },
	)
	return { port, bare }
}

// --- the floor: the bare page plus the hop, nothing else -------------------
/**
 * The bare app again, its loader asking a task API of its own (this build's,
 * on PGlite, trusting the bench's key) for the same 50 tasks, added through
 * the API as the PGlite row's are added through the forms
 * (bench/bare-app/app/task-api.server.ts): what a BFF page costs at the
 * least, with nothing of Taskwell's app but the call.
 */
async function floorPage(label: 'PGlite' | 'Postgres', databaseUrl?: string): Promise<Target> {
	const { jwksUrl, tokenFor, privateJwk } = await benchTokens(cleanups)
	const { apiPort, dataDir, env } = await servicePair('bench-floor', 'info')
	cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }))
	const apiTools = instrumented(`api-floor-${label}`, 'api')
	const api = start(`API (floor, ${label})`, [...apiTools.args, path.join(BUILD, 'api/index.js')], {
		...env,
		...apiTools.env,
		...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
		AUTH_JWKS_URL: jwksUrl,
		AUTH_ISSUER: ISSUER,
		TASKS_API_AUDIENCE: AUDIENCE,
	})
	const listUrl = `http://127.0.0.1:${apiPort}/v1/tasks?sort=created&order=desc`
	const { port, bare } = await startBare(`bare-floor-${label}`, {
		BARE_TASKS_API: listUrl,
		BARE_TASKS_KEY: privateJwk,
		BARE_TASKS_SUB: 'bench-floor-user',
		BARE_TASKS_ISSUER: ISSUER,
		BARE_TASKS_AUDIENCE: AUDIENCE,
	})
	try {
		await waitFor(`http://127.0.0.1:${apiPort}/readyz`)
		const token = await tokenFor('bench-floor-user')
		for (let n = 1; n <= 50; n++) {
			const response = await fetch(`http://127.0.0.1:${apiPort}/v1/tasks`, {
				method: 'POST',
				headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
				body: JSON.stringify(benchTask(n)),
			})
			if (response.status !== 201) throw new Error(`adding a task through the API answered ${response.status}: ${await response.text()}`)
		}
		await waitFor(`http://127.0.0.1:${port}/tasks`)
	} catch (error) {
		await Promise.all([stop(bare), stop(api)])
		throw error
	}
	return {
		name: `floor: the bare page + one task API call, ${label}`,
		url: `http://127.0.0.1:${port}/tasks`,
		processes: databaseUrl ? { server: bare, API: api, Postgres: postgresServer } : { server: bare, API: api },
		before: () => Promise.all([countsOf(bare), countsOf(api)]),
		after: () => Promise.all([countsOf(bare, true), countsOf(api, true)]),
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
	const { jwksUrl, tokenFor } = await benchTokens(cleanups)
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
	const apiTools = instrumented('api-bench', 'api')
	const handTools = instrumented('hand-rolled')
	const api = start('API', [...apiTools.args, path.join(BUILD, 'api/index.js')], {
		...env,
		...apiTools.env,
		TASKS_API_PORT: String(apiPort),
	})
	// BENCH_BASELINE_DIR: the baseline build's API too, on the same database, for its rows (the lists and the searches).
	const baselinePort = BASELINE_BUILD ? await freePort() : undefined
	const baselineTools = instrumented('api-baseline', 'api', { baseline: true })
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
				`/tasks on ${db}: ${(share * 100).toFixed(0)} % of bare req/s (goal ≥ 85 %: ${verdict(share >= 0.85)}), p99 ${p99.toFixed(2)}× bare (goal ≤ 1.5×: ${verdict(p99 <= 1.5)})`,
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
	// The hop at its leanest: how far below the bare page any BFF page is here, and Taskwell against that.
	for (const db of ['PGlite', 'Postgres']) {
		const floor = named(`floor: the bare page + one task API call, ${db}`)
		if (!bare || !floor) continue
		const taskwell = named(`Taskwell GET /tasks, 50 tasks, ${db}`)
		console.log(
			`\nThe floor on ${db} (the bare page + one task API call): ${((floor.rps / bare.rps) * 100).toFixed(1)} % of the bare page's req/s, p99 ${(floor.p99 / bare.p99).toFixed(2)}×` +
				(taskwell
					? `; Taskwell /tasks: ${((taskwell.rps / floor.rps) * 100).toFixed(1)} % of the floor's req/s, p99 ${(taskwell.p99 / floor.p99).toFixed(2)}×`
					: ''),
		)
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
		goals.push(`task API: ${(share * 100).toFixed(0)} % of hand-rolled req/s (goal ≥ 100 %: ${verdict(share >= 1)})`)
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
			const { port, bare } = await startBare('bare')
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
		if (want('floor') && want('pglite')) pages.push(await floorPage('PGlite'))
		if (want('pglite')) pages.push(await taskwellPage('PGlite', undefined))
		if (BASELINE_BUILD && want('pglite')) pages.push(await taskwellPage('PGlite, baseline build', undefined, undefined, BASELINE_BUILD))
		if (want('postgres')) {
			const appDb = `taskwell_bench_app_${stamp}`
			const tasksDb = `taskwell_bench_tasks_${stamp}`
			await createDatabase(appDb)
			await createDatabase(tasksDb)
			pages.push(await taskwellPage('Postgres', BASE_DATABASE_URL, { app: appDb, tasks: tasksDb }))
			if (want('floor')) pages.push(await floorPage('Postgres', await createDatabase(`taskwell_bench_floor_${stamp}`)))
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
