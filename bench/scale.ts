/**
 * `npm run bench:scale` (issue 25, items 1 and 2): Taskwell on a database
 * holding what a year of a busy deployment leaves behind, side by side with
 * the same on an empty database, in one run.
 *
 * 1. A throwaway PostgreSQL server of its own (PostgreSQL 15's initdb and
 *    pg_ctl, PG_BIN to change; see tests/cluster/postgres-server.ts), with
 *    two pairs of databases: "empty" and "a year". Both services from the
 *    production build run on each pair (TRUST_PROXY on: each sign-in comes
 *    from a client address of its own, as behind a load balancer).
 * 2. The same measured accounts on both pairs, signed up through the form:
 *    one with 50 tasks and a workspace of 50 tasks, one with 10,000 tasks.
 * 3. "A year" is seeded in bulk (bench/scale-seed.ts): 100,000 accounts,
 *    1,000,000 sessions (90 % expired), 2,000,000 tasks, 1,000,000 security
 *    events, 500,000 rate-limit rows, 20,000 workspaces of 3 members...
 *    (BENCH_SCALE multiplies every count: 0.1 for a quick look).
 * 4. Measured side by side, in interleaved rounds (bench/harness.ts): the
 *    password sign-in, the two-factor step's page (a pending sign-in found),
 *    /tasks for the small and the heavy account,
 *    /settings, a workspace's list, and the task API's list and search for
 *    the heavy account (an API of its own on each tasks database, trusting
 *    the bench's key set). Goal: each row's p99 on "a year" within 1.5× of
 *    "empty"'s.
 * 5. Every query those requests run, with its plan: auto_explain (ANALYZE,
 *    BUFFERS) on "a year"'s databases for one request of each row, saved
 *    to bench/.build/scale/plans.txt; the bench names any sequential scan
 *    on a table of more than 10,000 rows.
 * 6. The same rows again while the clean-ups (`npm run cleanup`, each
 *    service's) work through "a year"'s backlog: how many rounds, how long,
 *    and each row's p99 against "empty"'s meanwhile.
 *
 * Results: printed, and written to bench/.build/scale/results.md beside the
 * plans. BENCH_SECONDS, BENCH_WARMUP, BENCH_ROUNDS, BENCH_CONNECTIONS as
 * for `npm run bench`; BENCH_SKIP_BUILD=1 reuses bench/.build/taskwell.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { generateSync } from 'otplib'
import postgres from 'postgres'
import {
	AUDIENCE,
	benchTokens,
	children,
	CONNECTIONS,
	ISSUER,
	measureSideBySide,
	percentile,
	ROOT,
	ROUNDS,
	type Row,
	type SampledRow,
	SECONDS,
	SETTLE,
	start,
	stop,
	type Target,
	waitFor,
	WARMUP,
} from './harness.ts'
import { nodeFlags } from '../scripts/node-flags.mjs'
import { insertTasks, seedApp, seedCounts, seedTasks, tableSizes } from './scale-seed.ts'
import { freePort, servicePair } from './services.ts'
import { createPostgres } from '#tests/cluster/postgres-server.ts'

const SCALE = Number(process.env.BENCH_SCALE ?? 1)
const BUILD = path.join(ROOT, 'bench/.build/taskwell')
const OUT = path.join(ROOT, 'bench/.build/scale')
const PASSWORD = 'a good long password'
/** Accounts the sign-in row takes in turn: more than the connections, so no account has two sign-ins in flight. */
const SIGN_IN_ACCOUNTS = 2 * CONNECTIONS
/** p99 on "a year" at most this many times "empty"'s. */
const GOAL = 1.5
const cleanups: Array<() => Promise<void> | void> = []

type Pair = {
	label: 'empty' | 'a year'
	app: ChildProcess
	api: ChildProcess
	/** A task API on the same tasks database, trusting the bench's key set (the API rows). */
	benchApi: ChildProcess
	base: string
	benchApiBase: string
	appDb: postgres.Sql
	tasksDb: postgres.Sql
	databases: { app: string; tasks: string }
}

type Account = { id: string; cookie: string; email: string }

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString()

/** A client address of its own per request (TRUST_PROXY is on): the per-address sign-in limit is not what is measured. */
let clients = 0
const nextClient = () => {
	clients += 1
	return `10.${(clients >> 16) & 255}.${(clients >> 8) & 255}.${clients & 255}`
}

async function signUp(pair: Pair, email: string, name: string): Promise<Account> {
	const response = await fetch(`${pair.base}/signup`, {
		method: 'POST',
		redirect: 'manual',
		headers: { origin: pair.base, 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': nextClient() },
		body: form({ name, email, password: PASSWORD, confirmPassword: PASSWORD }),
	})
	await response.body?.cancel()
	const cookie = response.headers
		.getSetCookie()
		.map((value) => value.split(';')[0])
		.join('; ')
	if (!/session_token=/.test(cookie)) throw new Error(`${pair.label}: signing up ${email} answered ${response.status}`)
	const [row] = await pair.appDb<Array<{ id: string }>>`select id from "user" where email = ${email}`
	return { id: row!.id, cookie, email }
}

async function createWorkspace(pair: Pair, account: Account, name: string, slug: string): Promise<string> {
	const response = await fetch(`${pair.base}/workspaces/new`, {
		method: 'POST',
		redirect: 'manual',
		headers: { origin: pair.base, cookie: account.cookie, 'content-type': 'application/x-www-form-urlencoded' },
		body: form({ intent: 'create', name, slug }),
	})
	await response.body?.cancel()
	if (response.status !== 302 && response.status !== 303) throw new Error(`${pair.label}: creating a workspace answered ${response.status}`)
	const [row] = await pair.appDb<Array<{ id: string }>>`select id from organization where slug = ${slug}`
	return row!.id
}

const post = (pair: Pair, path: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
	fetch(`${pair.base}${path}`, {
		method: 'POST',
		redirect: 'manual',
		headers: { origin: pair.base, 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': nextClient(), ...headers },
		body: form(fields),
	})

/** Turns two-factor on through Settings, as a person would: the password, then a code from the secret the page shows. */
async function enableTwoFactor(pair: Pair, account: Account): Promise<string> {
	const started = await post(pair, '/settings', { intent: 'two-factor-enable', password: PASSWORD }, { cookie: account.cookie })
	await started.body?.cancel()
	const page = await (await fetch(`${pair.base}/settings`, { headers: { cookie: account.cookie } })).text()
	const secret = /data-testid="totp-secret">([A-Z2-7]+=*)</.exec(page)?.[1]
	if (!secret) throw new Error(`${pair.label}: no two-factor secret on /settings (the enable answered ${started.status})`)
	const verified = await post(
		pair,
		'/settings',
		{ intent: 'two-factor-verify', code: generateSync({ secret }) },
		{ cookie: account.cookie },
	)
	await verified.body?.cancel()
	const [row] = await pair.appDb<Array<{ on: boolean }>>`select two_factor_enabled as on from "user" where id = ${account.id}`
	if (!row?.on) throw new Error(`${pair.label}: two-factor did not turn on (the code answered ${verified.status})`)
	return secret
}

/** The password step of a sign-in with two-factor on: Better Auth's signed two_factor cookie (no session yet). */
async function pendingTwoFactor(pair: Pair, email: string): Promise<string> {
	const response = await post(pair, '/login', { email, password: PASSWORD })
	await response.body?.cancel()
	const cookie = response.headers
		.getSetCookie()
		.map((value) => value.split(';')[0])
		.join('; ')
	if (!response.headers.get('location')?.startsWith('/login/two-factor')) {
		throw new Error(`${pair.label}: the password step answered ${response.status} to ${response.headers.get('location')}`)
	}
	return cookie
}

async function startPair(
	label: Pair['label'],
	server: { url: string },
	jwksUrl: string,
	stamp: string,
	admin: postgres.Sql,
): Promise<Pair> {
	const databases = { app: `scale_${stamp}_app`, tasks: `scale_${stamp}_tasks` }
	for (const name of Object.values(databases)) await admin.unsafe(`create database "${name}"`)
	const urlOf = (name: string) => server.url.replace(/\/[^/]*$/, `/${name}`)
	const { apiPort, base, dataDir, env } = await servicePair(`scale-${stamp}`, 'info')
	cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }))
	const benchApiPort = await freePort()
	const app = start(`app (${label})`, [...nodeFlags('app'), path.join(BUILD, 'app-server.js')], {
		...env,
		TRUST_PROXY: 'true',
		DATABASE_URL: urlOf(databases.app),
	})
	const api = start(`API (${label})`, [...nodeFlags('api'), path.join(BUILD, 'api/index.js')], {
		...env,
		DATABASE_URL: urlOf(databases.tasks),
	})
	await waitFor(`${base}/healthz`)
	await waitFor(`http://127.0.0.1:${apiPort}/readyz`)
	const benchApi = start(`bench API (${label})`, [...nodeFlags('api'), path.join(BUILD, 'api/index.js')], {
		...env,
		DATABASE_URL: urlOf(databases.tasks),
		TASKS_API_PORT: String(benchApiPort),
		AUTH_JWKS_URL: jwksUrl,
		AUTH_ISSUER: ISSUER,
		TASKS_API_AUDIENCE: AUDIENCE,
	})
	await waitFor(`http://127.0.0.1:${benchApiPort}/readyz`)
	const appDb = postgres(urlOf(databases.app), { max: 2, onnotice: () => {} })
	const tasksDb = postgres(urlOf(databases.tasks), { max: 2, onnotice: () => {} })
	cleanups.push(
		() => appDb.end({ timeout: 2 }),
		() => tasksDb.end({ timeout: 2 }),
	)
	return { label, app, api, benchApi, base, benchApiBase: `http://127.0.0.1:${benchApiPort}`, appDb, tasksDb, databases }
}

/** VACUUM ANALYZE (as autovacuum would have by now) and a checkpoint, so no seeding work falls in a measured round. */
async function settle(sql: postgres.Sql) {
	await sql`vacuum analyze`
	await sql`checkpoint`
}

/**
 * `signIns`: accounts the sign-in row takes in turn (same password);
 * `twoFactor`: an account with two-factor on, its TOTP secret, and the
 * headers of the two-factor row (a pending sign-in's cookie, renewed).
 */
type Measured = {
	pair: Pair
	small: Account
	heavy: Account
	workspaceSlug: string
	signIns: string[]
	twoFactor: { account: Account; secret: string; headers: Record<string, string> }
}

/** The rows of one pair: what the issue names, for the same accounts. */
function targetsOf({ pair, small, heavy, workspaceSlug, signIns, twoFactor }: Measured, apiHeaders: Record<string, string>): Target[] {
	const processes = { app: pair.app, API: pair.api }
	return [
		{
			name: `password sign-in (POST /login), ${pair.label}`,
			url: `${pair.base}/login`,
			headers: { origin: pair.base },
			post: { body: form({ email: small.email, password: PASSWORD }), status: 302 },
			// Another account each time, from another address: one account's
			// sign-ins in flight at once are capped (each is counted before its
			// password check), and so are one address's.
			perRequest: ({ headers }) => ({
				headers: { ...headers, 'x-forwarded-for': nextClient() },
				body: form({ email: signIns[clients % signIns.length]!, password: PASSWORD }),
			}),
			processes,
		},
		// The second step's page: its loader finds the pending sign-in (Better
		// Auth's verification row) and the account. Its POST needs a new code
		// and a new password step each time: capturePlans() runs it once.
		{
			name: `two-factor step (GET /login/two-factor), ${pair.label}`,
			url: `${pair.base}/login/two-factor`,
			headers: twoFactor.headers,
			processes,
		},
		{ name: `/tasks, 50 tasks, ${pair.label}`, url: `${pair.base}/tasks`, headers: { cookie: small.cookie }, processes },
		{ name: `/tasks, 10,000 tasks, ${pair.label}`, url: `${pair.base}/tasks`, headers: { cookie: heavy.cookie }, processes },
		{ name: `/settings, ${pair.label}`, url: `${pair.base}/settings`, headers: { cookie: small.cookie }, processes },
		{
			name: `workspace list /w/…/tasks, 50 tasks, ${pair.label}`,
			url: `${pair.base}/w/${workspaceSlug}/tasks`,
			headers: { cookie: small.cookie },
			processes,
		},
		{
			name: `API GET /v1/tasks, 10,000 tasks, ${pair.label}`,
			url: `${pair.benchApiBase}/v1/tasks`,
			headers: apiHeaders,
			processes: { API: pair.benchApi },
		},
		{
			name: `API search q=passport, 10,000 tasks, ${pair.label}`,
			url: `${pair.benchApiBase}/v1/tasks?q=passport`,
			headers: apiHeaders,
			processes: { API: pair.benchApi },
		},
	]
}

/** Each row measured on both pairs: what it is, and its "empty" and "a year" rows. */
function pairedRows<T extends Row>(rows: T[]): Array<{ what: string; empty: T; year: T }> {
	return rows.flatMap((empty) => {
		if (!empty.name.endsWith(', empty')) return []
		const what = empty.name.replace(/, empty$/, '')
		const year = rows.find((row) => row.name === `${what}, a year`)
		return year ? [{ what, empty, year }] : []
	})
}

const CLEANUP_SCHEDULE = { rounds: 12, seconds: 6, settle: 1, warmup: 0 }

/**
 * The clean-ups' effect: each "a year" row's p99 over the answers that came
 * while they ran, against the "empty" row's p99 over the whole phase (the
 * same server and the same two cores: the clean-ups weigh on it too), and
 * "a year"'s after they ended.
 */
function duringWindow(rows: SampledRow[], from: number, to: number): string {
	const p99Of = (latencies: number[]) =>
		percentile(
			[...latencies].sort((x, y) => x - y),
			0.99,
		)
	const lines = [
		`### While the clean-ups ran on "a year" (${((to - from) / 1000).toFixed(0)} s)`,
		'',
		`${CLEANUP_SCHEDULE.rounds} rounds of ${CLEANUP_SCHEDULE.seconds / CLEANUP_SCHEDULE.rounds} s per row (each after ${CLEANUP_SCHEDULE.settle} s of settling), the clean-ups started with the first.`,
		'',
		'| what | p99 ratio (a year during the clean-ups ÷ empty) | a year during: answers, p99 ms | a year after: p99 ms | empty: p99 ms |',
		'| --- | --- | --- | --- | --- |',
	]
	let met = true
	for (const { what, empty, year } of pairedRows(rows)) {
		const during = year.samples.latencies.filter(
			(_, index) => year.samples.finishedAt[index]! >= from && year.samples.finishedAt[index]! <= to,
		)
		const after = year.samples.latencies.filter((_, index) => year.samples.finishedAt[index]! > to)
		const ratio = p99Of(during) / empty.p99
		if (during.length) met &&= ratio <= GOAL
		lines.push(
			`| ${what} | ${during.length ? `**${ratio.toFixed(2)}×** ${ratio <= GOAL ? '' : '(over 1.5×)'}` : 'not measured during them'} | ${during.length}, ${during.length ? p99Of(during).toFixed(1) : '–'} | ${after.length ? p99Of(after).toFixed(1) : '–'} | ${empty.p99} |`,
		)
	}
	lines.push('', `Goal (every row's p99 within ${GOAL}× while the clean-ups run): ${met ? 'met' : 'NOT met'}`)
	return lines.join('\n')
}

/** Rows of "a year" against "empty"'s, by name: the ratio of p99s and the goal's verdict. */
function compare(rows: Row[], title: string): string {
	const lines = [
		`### ${title}`,
		'',
		'| what | p99 ratio (a year ÷ empty) | empty req/s | a year req/s | empty p50 / p99 ms | a year p50 / p99 ms |',
		'| --- | --- | --- | --- | --- | --- |',
	]
	let met = true
	for (const { what, empty, year } of pairedRows(rows)) {
		const ratio = year.p99 / empty.p99
		met &&= ratio <= GOAL
		lines.push(
			`| ${what} | **${ratio.toFixed(2)}×** ${ratio <= GOAL ? '' : '(over 1.5×)'} | ${empty.rps.toFixed(0)} | ${year.rps.toFixed(0)} | ${empty.p50} / ${empty.p99} | ${year.p50} / ${year.p99} |`,
		)
	}
	lines.push('', `Goal (every row's p99 within ${GOAL}× of the empty database's): ${met ? 'met' : 'NOT met'}`)
	return lines.join('\n')
}

/**
 * auto_explain on "a year"'s databases for one request of each row: every
 * statement's plan, with ANALYZE and BUFFERS, lands in the server's log.
 * The services' pooled connections are ended so their next ones load it
 * (postgres.js reconnects on its own). Returns the plans, and the
 * sequential scans on tables of more than 10,000 rows.
 */
async function capturePlans(admin: postgres.Sql, logFile: string, pair: Pair, targets: Target[], more: () => Promise<void>) {
	const settings = {
		session_preload_libraries: 'auto_explain',
		'auto_explain.log_min_duration': '0',
		'auto_explain.log_analyze': 'on',
		'auto_explain.log_buffers': 'on',
		'auto_explain.log_nested_statements': 'on',
	}
	const names = Object.values(pair.databases)
	const reconnect = () =>
		admin`select pg_terminate_backend(pid) from pg_stat_activity where datname in ${admin(names)} and pid <> pg_backend_pid()`
	for (const name of names) {
		for (const [setting, value] of Object.entries(settings)) await admin.unsafe(`alter database "${name}" set ${setting} = '${value}'`)
	}
	await reconnect()
	await new Promise((resolve) => setTimeout(resolve, 500))
	const from = statSync(logFile).size
	for (const target of targets) {
		for (let i = 0; i < 2; i++) {
			const { headers, body } = target.perRequest
				? target.perRequest({ headers: { ...target.headers }, body: target.post?.body })
				: { headers: target.headers, body: target.post?.body }
			const response = await fetch(target.url, {
				method: target.post ? 'POST' : 'GET',
				redirect: 'manual',
				headers: { ...headers, ...(target.post ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
				...(target.post ? { body } : {}),
			})
			await response.body?.cancel()
		}
	}
	await more()
	await new Promise((resolve) => setTimeout(resolve, 1000))
	for (const name of names) await admin.unsafe(`alter database "${name}" reset all`)
	await reconnect()
	const log = readFileSync(logFile, 'utf8').slice(from)
	// One entry per statement: "<db>:<pid>:LOG:  duration: … ms  plan:" and its indented lines.
	const entries = log.split(/\n(?=[^\t\n]*:\d+:[A-Z]+: )/).filter((entry) => entry.includes('plan:'))
	const large = new Set<string>()
	for (const sql of [pair.appDb, pair.tasksDb]) {
		const rows = await sql<Array<{ relname: string }>>`select relname from pg_class where relkind = 'r' and reltuples > 10000`
		for (const row of rows) large.add(row.relname)
	}
	const byQuery = new Map<string, string>()
	const seqScans = new Set<string>()
	for (const entry of entries) {
		const query = /Query Text: ([\s\S]*?)\n\s*(?:[A-Z][a-zA-Z ]+ {2}\(|[A-Z])/.exec(entry)?.[1]?.trim() ?? entry.slice(0, 200)
		if (!byQuery.has(query)) byQuery.set(query, entry.replace(/^([^:\n]*):\d+:LOG: {2}/, '-- $1: '))
		for (const match of entry.matchAll(/Seq Scan on "?(\w+)"?/g)) {
			if (large.has(match[1]!)) seqScans.add(`${match[1]}: ${query.replace(/\s+/g, ' ').slice(0, 160)}`)
		}
	}
	return { plans: [...byQuery.values()], seqScans: [...seqScans], large: [...large] }
}

/** Runs `npm run cleanup` for one service until no backlog is left; resolves with its output and how long it took. */
function cleanUntilDone(service: '--app' | '--api', databaseUrl: string, dataDir: string) {
	const started = performance.now()
	const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/cleanup.ts', service, '--until-done'], {
		cwd: ROOT,
		env: { ...process.env, NODE_ENV: 'production', DATABASE_URL: databaseUrl, DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
		stdio: ['ignore', 'pipe', 'pipe'],
	})
	children.add(child)
	let output = ''
	child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()))
	child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
	return new Promise<{ output: string; seconds: number; code: number | null }>((resolve) =>
		child.on('exit', (code) => {
			children.delete(child)
			resolve({ output, seconds: (performance.now() - started) / 1000, code })
		}),
	)
}

async function main() {
	if (!process.env.BENCH_SKIP_BUILD) {
		console.log('building Taskwell…')
		execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, BUILD_DIR: BUILD } })
	}
	mkdirSync(OUT, { recursive: true })
	const stamp = `${Date.now()}`
	const serverDir = mkdtempSync(path.join(tmpdir(), 'taskwell-scale-'))
	cleanups.push(() => rmSync(serverDir, { recursive: true, force: true }))
	const server = createPostgres(serverDir, await freePort(), { log_line_prefix: '%d:%p:', shared_buffers: '256MB' })
	cleanups.push(() => server.stop())
	const t0 = performance.now()
	await server.start()
	const admin = postgres(server.url, { max: 1, onnotice: () => {} })
	cleanups.push(() => admin.end({ timeout: 2 }))
	const { jwksUrl, tokenFor } = await benchTokens(cleanups)

	const pairs: Pair[] = []
	const measured: Measured[] = []
	try {
		for (const label of ['empty', 'a year'] as const) {
			const pair = await startPair(label, server, jwksUrl, `${stamp}_${label === 'empty' ? 'empty' : 'year'}`, admin)
			pairs.push(pair)
			const small = await signUp(pair, 'small@scale.example', 'Small Account')
			const heavy = await signUp(pair, 'heavy@scale.example', 'Heavy Account')
			const workspaceSlug = 'scale-club'
			const workspaceId = await createWorkspace(pair, small, 'Scale Club', workspaceSlug)
			await insertTasks(pair.tasksDb, small.id, 50)
			await insertTasks(pair.tasksDb, small.id, 50, { workspaceId })
			await insertTasks(pair.tasksDb, heavy.id, 10_000, { deleted: true })
			const signIns: string[] = []
			for (let n = 1; n <= SIGN_IN_ACCOUNTS; n++) signIns.push((await signUp(pair, `sign-in-${n}@scale.example`, `Sign-in ${n}`)).email)
			const twoFactorAccount = await signUp(pair, 'two-factor@scale.example', 'Two-Factor Account')
			const secret = await enableTwoFactor(pair, twoFactorAccount)
			const twoFactor = { account: twoFactorAccount, secret, headers: { cookie: await pendingTwoFactor(pair, twoFactorAccount.email) } }
			measured.push({ pair, small, heavy, workspaceSlug, signIns, twoFactor })
		}
		console.log(`services up and accounts made in ${((performance.now() - t0) / 1000).toFixed(0)} s`)

		const year = pairs[1]!
		const counts = seedCounts(SCALE)
		const seeding = performance.now()
		const [hash] = await year.appDb<Array<{ password: string }>>`
			select password from account where user_id = ${measured[1]!.small.id} and provider_id = 'credential'`
		await Promise.all([seedApp(year.appDb, counts, hash!.password), seedTasks(year.tasksDb, counts)])
		for (const pair of pairs) await Promise.all([settle(pair.appDb), settle(pair.tasksDb)])
		const sizes = {
			...(await tableSizes(year.appDb, [
				'user',
				'account',
				'session',
				'auth_event',
				'rate_limit',
				'verification',
				'two_factor',
				'passkey',
				'organization',
				'member',
			])),
			...(await tableSizes(year.tasksDb, ['task', 'task_count', 'workspace', 'workspace_member', 'task_idempotency_key'])),
		}
		const seedSeconds = (performance.now() - seeding) / 1000
		console.log(`seeded "a year" in ${seedSeconds.toFixed(0)} s:`, sizes)

		// Tokens live 5 minutes: the API rows' header is renewed once a minute (each slot reads it afresh).
		const apiHeaders = measured.map(() => ({ authorization: '' }))
		// So do pending two-factor sign-ins (10 minutes). Renewal signs in by
		// password, so it runs between measured slots, never inside one.
		let renewedAt = Number.NEGATIVE_INFINITY
		const renew = async () => {
			if (performance.now() - renewedAt < 60_000) return
			for (const [index, { heavy, pair, twoFactor }] of measured.entries()) {
				apiHeaders[index]!.authorization = `Bearer ${await tokenFor(heavy.id)}`
				twoFactor.headers.cookie = await pendingTwoFactor(pair, twoFactor.account.email)
			}
			renewedAt = performance.now()
		}
		await renew()
		const targets = measured.flatMap((m, index) => targetsOf(m, apiHeaders[index]!))
		// Both pairs' rows interleaved: empty, a year, empty, a year…
		const perPair = targets.length / 2
		const interleaved = targets.slice(0, perPair).flatMap((target, index) => [target, targets[perPair + index]!])

		console.log('\nmeasuring, side by side…')
		const steady = await measureSideBySide(interleaved, { between: renew })

		console.log('\nplans of every query, on "a year"…')
		const plans = await capturePlans(admin, server.logFile, year, targets.slice(perPair), async () => {
			// The two-factor step's POST, once: a new password step, then a code.
			const { twoFactor } = measured[1]!
			const cookie = await pendingTwoFactor(year, twoFactor.account.email)
			const step = await post(year, '/login/two-factor', { code: generateSync({ secret: twoFactor.secret }) }, { cookie })
			await step.body?.cancel()
			if (step.status !== 302) throw new Error(`the two-factor step answered ${step.status}`)
		})
		writeFileSync(path.join(OUT, 'plans.txt'), `${plans.plans.join('\n\n')}\n`)
		console.log(`  ${plans.plans.length} distinct statements; large tables: ${plans.large.join(', ')}`)
		console.log(
			plans.seqScans.length
				? `  sequential scans on large tables:\n    ${plans.seqScans.join('\n    ')}`
				: '  no sequential scan on a large table',
		)

		console.log('\nmeasuring again while the clean-ups work through "a year"\'s backlog…')
		const urlOf = (name: string) => server.url.replace(/\/[^/]*$/, `/${name}`)
		let cleanStart = 0
		let cleanEnd = 0
		let cleaning: Promise<Array<Awaited<ReturnType<typeof cleanUntilDone>>>> | undefined
		const backlogBefore = await backlog(year)
		const first = interleaved[0]!
		// Short slots (0.5 s measured after 1 s of settling, 12 rounds), so
		// that every row is measured while the clean-ups run: they take tens
		// of seconds, a round of 14 rows about 21.
		const duringCleanup = await measureSideBySide(
			[
				{
					...first,
					before: async () => {
						const dataDir = mkdtempSync(path.join(tmpdir(), 'taskwell-scale-cleanup-'))
						cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }))
						cleanStart = performance.now()
						const done = (run: Awaited<ReturnType<typeof cleanUntilDone>>) => {
							cleanEnd = Math.max(cleanEnd, performance.now())
							return run
						}
						cleaning = Promise.all([
							cleanUntilDone('--app', urlOf(year.databases.app), dataDir).then(done),
							cleanUntilDone('--api', urlOf(year.databases.tasks), dataDir).then(done),
						])
					},
				},
				...interleaved.slice(1),
			],
			{ ...CLEANUP_SCHEDULE, between: renew },
		)
		const measuredUntil = performance.now()
		const cleaned = await cleaning!
		const backlogAfter = await backlog(year)

		const report = [
			`# npm run bench:scale — ${new Date().toISOString()}`,
			'',
			`${CONNECTIONS} connections, ${WARMUP} s warm-up, ${SECONDS} s measured per row in ${ROUNDS} interleaved rounds (each after ${SETTLE} s of settling); BENCH_SCALE ${SCALE}; load average before: ${readFileSync('/proc/loadavg', 'utf8').trim()}`,
			'',
			`"A year" seeded in ${seedSeconds.toFixed(0)} s: ${Object.entries(sizes)
				.map(([table, n]) => `${table} ${n.toLocaleString('en')}`)
				.join(', ')}.`,
			'',
			compare(steady, 'Steady: "a year" vs "empty"'),
			'',
			duringWindow(duringCleanup, cleanStart, cleanEnd || measuredUntil),
			'',
			`Clean-up backlog before: ${JSON.stringify(backlogBefore)}; after: ${JSON.stringify(backlogAfter)}.`,
			...cleaned.map(
				(run, index) =>
					`Clean-up of the ${index === 0 ? 'app' : 'task API'}: ${run.seconds.toFixed(0)} s (exit ${run.code})\n\n\`\`\`\n${run.output.trim()}\n\`\`\``,
			),
			'',
			`Plans: ${plans.plans.length} distinct statements in bench/.build/scale/plans.txt; ${plans.seqScans.length ? `sequential scans on large tables:\n- ${plans.seqScans.join('\n- ')}` : 'no sequential scan on a table of more than 10,000 rows.'}`,
		].join('\n')
		writeFileSync(path.join(OUT, 'results.md'), `${report}\n`)
		console.log(`\n${report}\n\n(written to bench/.build/scale/results.md)`)
	} finally {
		for (const pair of pairs) await Promise.all([stop(pair.app), stop(pair.api), stop(pair.benchApi)])
	}
}

/** What the clean-ups have left to delete on a pair (expired or old rows, by table). */
async function backlog(pair: Pair) {
	const [app] = await pair.appDb<Array<Record<string, string>>>`
		select
			(select count(*) from session where expires_at < now()) as sessions,
			(select count(*) from auth_event where created_at < now() - interval '90 days') as "securityEvents",
			(select count(*) from rate_limit where last_request < (extract(epoch from now()) * 1000)::bigint - 86400000) as "rateLimits",
			(select count(*) from verification where expires_at < now()) as verifications`
	const [tasks] = await pair.tasksDb<Array<Record<string, string>>>`
		select
			(select count(*) from task_idempotency_key where expires_at < now()) as "idempotencyKeys",
			(select count(*) from task where deleted_at < now() - interval '1 minute') as "deletedTasks"`
	return Object.fromEntries(Object.entries({ ...app, ...tasks }).map(([key, value]) => [key, Number(value)]))
}

try {
	await main()
} finally {
	for (const child of children) child.kill('SIGKILL')
	for (const cleanup of cleanups.reverse()) await Promise.resolve(cleanup()).catch(() => {})
}
