/**
 * The cluster test (`npm run test:cluster`): Taskwell as it runs in production
 * behind a load balancer, with faults injected under load.
 *
 * It starts a throwaway PostgreSQL server, two app and two task-API instances
 * (the production build in build/) and HAProxy in front of each pair, with
 * health checks on /readyz; all on free loopback ports. Virtual users sign up
 * through the real forms and keep adding tasks while the test:
 *   1. kills an app instance (SIGKILL) and starts it again,
 *   2. does the same to a task-API instance,
 *   3. rotates the signing key as docs/security-model.md says
 *      (`update jwks set expires_at = now()`), while new users sign up,
 *   4. restarts PostgreSQL (pg_ctl restart).
 * Before the faults, a workspace round (tests/cluster/workspace-check.ts):
 * an owner on app1 makes a member a viewer while the member's pages on app2
 * are open; their next adds, sent to either API instance, must each be
 * refused. And a suspension round (tests/cluster/suspension-check.ts): an
 * admin suspends a user through app1; app2 must send the user to /login
 * within 1 s (each instance caches session lookups up to 500 ms), refuse
 * their sign-in, and let them in again once restored. And an access-token
 * round (tests/cluster/token-revocation-check.ts): a token revoked through
 * app1 must be refused by api2 within 1 s, JWTs already minted included.
 * Then it checks that every acknowledged add is in the database exactly once,
 * that nobody was signed out, that every instance is ready again without a
 * restart of its own, and that under 5 % of the requests during the faults
 * failed; and prints those figures. Exit code 0 = passed.
 *
 * With CLUSTER_POOLER=pgbouncer (`npm run test:cluster:pgbouncer`, the second
 * round .ci/run runs), the same test runs with PgBouncer in transaction mode
 * between the four instances and PostgreSQL (DATABASE_POOLER=pgbouncer,
 * tests/support/pgbouncer.ts), the restart included; the test's own checks
 * still query PostgreSQL directly.
 *
 * Logs of every process (HAProxy's lists every request with its termination
 * state): test-results/cluster/ (test-results/cluster-pgbouncer/). Everything else lives in a temporary folder
 * that is removed on exit, as are all processes. CLUSTER_DEBUG=1 prints each
 * request that got no answer as it happens.
 */
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import postgres from 'postgres'
import { createPostgres, type PostgresServer } from './postgres-server.ts'
import { answers, freePorts, haproxyConfig, haproxyStatus, ManagedProcess, sleep, waitFor, writeHaproxyConfig } from './processes.ts'
import { VirtualUser, type SharedState } from './virtual-user.ts'
import { workspaceRound, type WorkspaceRoundResult } from './workspace-check.ts'
import { suspensionRound } from './suspension-check.ts'
import { tokenRevocationRound } from './token-revocation-check.ts'
import { startSmtpSink } from '#tests/support/smtp-sink.ts'
import { missingPgBouncer, preparePgBouncer } from '#tests/support/pgbouncer.ts'
import { nodeFlags } from '../../scripts/node-flags.mjs'

/** Three base64url parts, the first a JSON header: a JWT. */
const JWT_SHAPED = /eyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]{16,}/

/** Users that sign up at the start, and at the key rotation. */
const USERS = 9
const NEWCOMERS = 3
/**
 * Pause between two adds of one user: about one add a second, under the task
 * API's default limit of 60 creates a minute per account.
 */
const THINK_MS = 1000
/** Bounds: adds per user, and the whole test. */
const MAX_ADDS_PER_USER = 400
const TEST_TIMEOUT_MS = 4 * 60_000
const START_TIMEOUT_MS = 60_000
const MAX_FAILED_PERCENT = 5
/** The workspace round: adds from pages opened before a downgrade (HAProxy takes turns between the API instances). */
const WORKSPACE_ADDS_AFTER_CHANGE = 4
/** Both services answer GET /readyz 200 when they can serve (503 otherwise). */
const APP_READY_PATH = '/readyz'
const API_READY_PATH = '/readyz'
const HAPROXY = process.env.HAPROXY_BIN ?? '/usr/sbin/haproxy'
const BUILD_DIR = path.resolve(process.env.BUILD_DIR ?? 'build')
/** What sits between the instances and PostgreSQL: nothing, or PgBouncer (CLUSTER_POOLER=pgbouncer). */
const POOLER = process.env.CLUSTER_POOLER || 'none'
if (POOLER !== 'none' && POOLER !== 'pgbouncer') {
	console.error(`cluster test: CLUSTER_POOLER must be none or pgbouncer, not ${POOLER}`)
	process.exit(1)
}
const LOG_DIR = path.resolve(POOLER === 'pgbouncer' ? 'test-results/cluster-pgbouncer' : 'test-results/cluster')

const started = Date.now()
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`
function say(message: string) {
	console.log(`[cluster ${seconds(Date.now() - started).padStart(7)}] ${message}`)
}

// ---------------------------------------------------------------- set-up ---

for (const file of ['app-server.js', 'api/index.js']) {
	if (!existsSync(path.join(BUILD_DIR, file))) {
		console.error(`cluster test: ${path.join(BUILD_DIR, file)} is missing; run \`npm run build\` first`)
		process.exit(1)
	}
}
if (!existsSync(HAPROXY)) {
	console.error(`cluster test: no HAProxy at ${HAPROXY} (Debian: apt-get install haproxy, or set HAPROXY_BIN)`)
	process.exit(1)
}
const noPgBouncer = POOLER === 'pgbouncer' ? missingPgBouncer() : null
if (noPgBouncer) {
	console.error(`cluster test: ${noPgBouncer}`)
	process.exit(1)
}

const workDir = mkdtempSync(path.join(tmpdir(), 'taskwell-cluster-'))
rmSync(LOG_DIR, { recursive: true, force: true })
mkdirSync(LOG_DIR, { recursive: true })
const processes: ManagedProcess[] = []
let pg: PostgresServer | undefined
/** PgBouncer, in the PgBouncer round: stopped after the instances, before PostgreSQL. */
let bouncer: ManagedProcess | undefined
let closeMailbox: (() => Promise<void>) | undefined

const state: SharedState = { phase: 'start-up', stopped: false, requests: [], errors: [], adds: [], signOuts: [] }

let cleaning: Promise<void> | undefined
let cleanedUp = false
/** Stops every process this test started and removes its folder (once; every caller waits for it). */
function cleanUp(): Promise<void> {
	cleaning ??= (async () => {
		state.stopped = true
		const begin = Date.now()
		// HAProxy first: its kept-alive connections would hold up the
		// services' graceful stop.
		const [haproxy, ...services] = processes
		await haproxy?.stop('SIGTERM', 2000).catch(() => {})
		await Promise.all(services.map((child) => child.stop('SIGTERM', 5000).catch(() => {})))
		await bouncer?.stop('SIGINT', 2000).catch(() => {})
		for (const child of processes) child.close()
		bouncer?.close()
		pg?.stop()
		await closeMailbox?.()
		rmSync(workDir, { recursive: true, force: true })
		cleanedUp = true
		say(`cleaned up in ${seconds(Date.now() - begin)}`)
	})()
	return cleaning
}
/** Last resort when the process exits before the clean-up finished: no orphans, no folder. */
process.on('exit', () => {
	if (cleanedUp) return
	for (const child of [...processes, ...(bouncer ? [bouncer] : [])]) {
		try {
			if (child.pid) process.kill(child.pid, 'SIGKILL')
		} catch {
			// already gone
		}
	}
	pg?.stop()
	rmSync(workDir, { recursive: true, force: true })
})
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
	process.once(signal, () => {
		say(`${signal}: cleaning up`)
		void cleanUp().finally(() => process.exit(130))
	})
}
const overall = setTimeout(() => {
	console.error(`\nCLUSTER TEST FAILED: still running after ${seconds(TEST_TIMEOUT_MS)}`)
	void cleanUp().finally(() => process.exit(1))
}, TEST_TIMEOUT_MS)

async function withSql<T>(fn: (sql: postgres.Sql) => Promise<T>): Promise<T> {
	const sql = postgres(pg!.url, { max: 1, onnotice: () => {}, connect_timeout: 10 })
	try {
		return await fn(sql)
	} finally {
		await sql.end({ timeout: 5 })
	}
}

// ------------------------------------------------------------------ main ---

type PhaseTiming = { phase: string; ms: number; notes: string[] }

async function main(): Promise<string[]> {
	const [pgPort, app1Port, app2Port, api1Port, api2Port, lbAppPort, lbApiPort, statsPort, bouncerPort] = await freePorts(9)
	const appLb = `http://127.0.0.1:${lbAppPort}`
	const apiLb = `http://127.0.0.1:${lbApiPort}`

	say(`PostgreSQL on 127.0.0.1:${pgPort} (data in ${workDir})`)
	pg = createPostgres(workDir, pgPort!)
	await pg.start()
	/** Where the instances reach PostgreSQL: directly, or through PgBouncer. */
	let instancesDatabaseUrl = pg.url
	if (POOLER === 'pgbouncer') {
		const setup = preparePgBouncer(workDir, pg.url, bouncerPort!, { logToFile: false })
		bouncer = new ManagedProcess('pgbouncer', setup.command, setup.args, { PATH: process.env.PATH }, path.join(LOG_DIR, 'pgbouncer.log'))
		bouncer.start()
		instancesDatabaseUrl = setup.url(pg.url)
		const probe = postgres(instancesDatabaseUrl, { max: 1, onnotice: () => {}, connect_timeout: 2, prepare: false })
		try {
			await waitFor(
				'PgBouncer',
				async () => (await probe`select 1 as ok`).length === 1,
				START_TIMEOUT_MS,
				() => (bouncer?.running ? undefined : 'PgBouncer exited'),
			)
		} finally {
			await probe.end({ timeout: 1 })
		}
		say(`PgBouncer (transaction mode) on 127.0.0.1:${bouncerPort} in front of it`)
	}

	const haproxyFile = writeHaproxyConfig(
		workDir,
		haproxyConfig(
			{ app: lbAppPort!, api: lbApiPort!, stats: statsPort! },
			[
				{ name: 'app1', port: app1Port! },
				{ name: 'app2', port: app2Port! },
			],
			[
				{ name: 'api1', port: api1Port! },
				{ name: 'api2', port: api2Port! },
			],
			APP_READY_PATH,
		),
	)
	const haproxy = new ManagedProcess(
		'haproxy',
		HAPROXY,
		['-f', haproxyFile, '-db'],
		{ PATH: process.env.PATH },
		path.join(LOG_DIR, 'haproxy.log'),
	)
	processes.push(haproxy)
	haproxy.start()

	// Mail over SMTP, as deployed (no local outbox, whose log lines carry links).
	const mailbox = await startSmtpSink()
	closeMailbox = mailbox.close
	const secret = randomBytes(32).toString('base64url')
	const baseEnv = {
		PATH: process.env.PATH,
		HOME: process.env.HOME,
		NODE_ENV: 'production',
		DATABASE_URL: instancesDatabaseUrl,
		...(POOLER === 'pgbouncer' ? { DATABASE_POOLER: 'pgbouncer' } : {}),
		BETTER_AUTH_URL: appLb,
		LOG_LEVEL: 'info',
	}
	const node = (name: string, file: string, env: Record<string, string | undefined>) =>
		new ManagedProcess(
			name,
			process.execPath,
			[...nodeFlags(file === 'app-server.js' ? 'app' : 'api'), path.join(BUILD_DIR, file)],
			{ ...baseEnv, ...env },
			path.join(LOG_DIR, `${name}.log`),
		)
	const app = (name: string, port: number) =>
		node(name, 'app-server.js', {
			PORT: String(port),
			HOST: '127.0.0.1',
			// Both instances sign and encrypt with the same secret.
			BETTER_AUTH_SECRET: secret,
			DATA_DIR: path.join(workDir, `${name}-data`),
			TASKS_API_URL: apiLb,
			TRUST_PROXY: 'true',
			SMTP_URL: mailbox.url,
		})
	const api = (name: string, port: number) =>
		node(name, 'api/index.js', {
			TASKS_API_PORT: String(port),
			TASKS_API_HOST: '127.0.0.1',
			AUTH_JWKS_URL: `${appLb}/api/auth/jwks`,
			DATA_DIR: path.join(workDir, `${name}-data`),
		})
	const instances = {
		app1: { process: app('app1', app1Port!), port: app1Port!, backend: 'taskwell_app' },
		app2: { process: app('app2', app2Port!), port: app2Port!, backend: 'taskwell_app' },
		api1: { process: api('api1', api1Port!), port: api1Port!, backend: 'taskwell_api' },
		api2: { process: api('api2', api2Port!), port: api2Port!, backend: 'taskwell_api' },
	}
	type InstanceName = keyof typeof instances
	const names = Object.keys(instances) as InstanceName[]
	for (const name of names) {
		processes.push(instances[name].process)
		instances[name].process.start()
	}

	const readyz = (name: InstanceName) =>
		`http://127.0.0.1:${instances[name].port}${name.startsWith('app') ? APP_READY_PATH : API_READY_PATH}`
	const waitReady = (name: InstanceName) =>
		waitFor(
			`${name} /readyz`,
			() => answers(readyz(name)),
			START_TIMEOUT_MS,
			() => {
				const { process: instance } = instances[name]
				const exit = instance.unexpectedExits.at(-1)
				return !instance.running && exit ? `${name} exited on its own (${exit.signal ?? `code ${exit.code}`})` : undefined
			},
		)
	const waitUpInHaproxy = (name: InstanceName) =>
		waitFor(
			`HAProxy to see ${name} UP`,
			async () => (await haproxyStatus(statsPort!, instances[name].backend, name)) === 'UP',
			START_TIMEOUT_MS,
		)
	const waitDownInHaproxy = (name: InstanceName) =>
		waitFor(
			`HAProxy to see ${name} DOWN`,
			async () => (await haproxyStatus(statsPort!, instances[name].backend, name))?.startsWith('DOWN') ?? false,
			START_TIMEOUT_MS,
		)

	await Promise.all(names.map((name) => waitReady(name)))
	await Promise.all(names.map((name) => waitUpInHaproxy(name)))
	say(`ready: app ${appLb} → app1 :${app1Port}, app2 :${app2Port}; API ${apiLb} → api1 :${api1Port}, api2 :${api2Port}`)

	// ------------------------------------------------------------ users ---
	const runId = randomBytes(4).toString('hex')
	const users: VirtualUser[] = []
	const running: Promise<void>[] = []
	const addUsers = async (count: number) => {
		const batch = Array.from({ length: count }, () => {
			const user = new VirtualUser(users.length + 1, appLb, runId, state, THINK_MS)
			users.push(user)
			return user
		})
		// Sign-ups hash a password each: a few at a time.
		for (const user of batch) await user.signUp()
		for (const user of batch) running.push(user.run(MAX_ADDS_PER_USER))
	}

	const timings: PhaseTiming[] = []
	const phaseFailures: string[] = []
	const phase = async (name: string, body: (notes: string[]) => Promise<void>) => {
		state.phase = name
		const notes: string[] = []
		const begin = Date.now()
		say(`phase: ${name}`)
		try {
			await body(notes)
		} catch (error) {
			// Go on: the checks and figures say what this left behind.
			const message = `${name}: ${error instanceof Error ? error.message : String(error)}`
			say(message)
			notes.push(`FAILED: ${message}`)
			phaseFailures.push(message)
		}
		timings.push({ phase: name, ms: Date.now() - begin, notes })
	}
	const timed = async (note: string, notes: string[], step: () => Promise<unknown>) => {
		const begin = Date.now()
		await step()
		notes.push(`${note} ${seconds(Date.now() - begin)}`)
	}
	const killAndRestart = async (name: InstanceName, notes: string[]) => {
		const instance = instances[name].process
		await timed('SIGKILL → exited', notes, () => instance.stop('SIGKILL'))
		await timed('HAProxy marks it DOWN', notes, () => waitDownInHaproxy(name))
		instance.start()
		await timed('restart → /readyz 200', notes, () => waitReady(name))
		await timed('→ HAProxy UP', notes, () => waitUpInHaproxy(name))
	}

	await phase('warm-up', async () => {
		await addUsers(USERS)
		await sleep(4000)
	})
	let workspace: WorkspaceRoundResult | undefined
	await phase('workspace role', async (notes) => {
		workspace = await workspaceRound({
			app1Url: `http://127.0.0.1:${app1Port}`,
			app2Url: `http://127.0.0.1:${app2Port}`,
			publicOrigin: appLb,
			mailbox,
			runId,
			addsAfter: WORKSPACE_ADDS_AFTER_CHANGE,
		})
		notes.push(...workspace.notes)
		notes.push(
			`after the owner made them a viewer (app1): ${workspace.refusedAdds.length} adds from pages still open (app2): ${formatCounts(countBy(workspace.refusedAdds))}; the first answered ${workspace.firstRefusalMs.toFixed(0)} ms after the change`,
		)
	})
	await phase('suspension', async (notes) => {
		const suspension = await suspensionRound({
			app1Url: `http://127.0.0.1:${app1Port}`,
			app2Url: `http://127.0.0.1:${app2Port}`,
			publicOrigin: appLb,
			withSql,
			runId,
		})
		notes.push(...suspension.notes)
		// Reported like a failed phase: the checks below list it.
		if (suspension.problems.length) throw new Error(suspension.problems.join('; '))
	})
	await phase('token revocation', async (notes) => {
		const round = await tokenRevocationRound({
			app1Url: `http://127.0.0.1:${app1Port}`,
			app2Url: `http://127.0.0.1:${app2Port}`,
			api2Url: `http://127.0.0.1:${api2Port}`,
			publicOrigin: appLb,
			runId,
		})
		notes.push(...round.notes)
		if (round.problems.length) throw new Error(round.problems.join('; '))
	})
	await phase('kill app1', (notes) => killAndRestart('app1', notes))
	await phase('kill api2', (notes) => killAndRestart('api2', notes))
	await phase('rotate key', async (notes) => {
		await withSql((sql) => sql`update jwks set expires_at = now()`)
		notes.push('jwks: update jwks set expires_at = now()')
		// New sessions sign their first tokens with the new key, on both app
		// instances, right after api2 fetched the key set at its start.
		await timed(`${NEWCOMERS} new users signed up`, notes, () => addUsers(NEWCOMERS))
		await sleep(15_000)
		const keys = await withSql((sql) => sql`select count(*)::int as n from jwks`)
		notes.push(`keys in jwks: ${keys[0]!.n}`)
	})
	await phase('restart postgres', async (notes) => {
		await timed('pg_ctl restart -m fast', notes, () => pg!.restart())
		await timed('every instance /readyz 200', notes, () => Promise.all(names.map((name) => waitReady(name))))
		await sleep(4000)
	})
	await phase('steady', async () => {
		await sleep(3000)
	})

	state.stopped = true
	state.phase = 'stopping'
	say('stopping the users')
	await Promise.all(running)

	// ----------------------------------------------------------- checks ---
	const failures: string[] = [...phaseFailures]
	const notRefused = workspace?.refusedAdds.filter((answer) => answer !== '403 refused') ?? []
	if (workspace && notRefused.length) {
		failures.push(`after a downgrade to viewer, ${notRefused.length} of the member's adds were not refused (${notRefused.join(', ')})`)
	}

	const rows = await withSql(
		(sql) =>
			sql<
				{ title: string; n: number }[]
			>`select title, count(*)::int as n from task where title like ${`cluster-${runId}-%`} group by title`,
	)
	const stored = new Map(rows.map((row) => [row.title, row.n]))
	const acknowledged = state.adds.filter((add) => add.acknowledged)
	const foundOnce = acknowledged.filter((add) => stored.get(add.title) === 1).length
	const missing = acknowledged.filter((add) => !stored.has(add.title))
	const duplicated = [...stored].filter(([, n]) => n > 1)
	const unacknowledgedStored = state.adds.filter((add) => !add.acknowledged && stored.get(add.title) === 1).length
	const resubmitted = state.adds.filter((add) => add.attempts > 1).length
	if (missing.length) failures.push(`${missing.length} acknowledged adds are missing from the database (e.g. ${missing[0]!.title})`)
	if (duplicated.length)
		failures.push(`${duplicated.length} adds are in the database more than once (e.g. ${duplicated[0]![0]} ×${duplicated[0]![1]})`)

	const finalStatuses = await Promise.all(users.map((user) => user.finalTasksStatus()))
	const notOkAtEnd = users.flatMap((user, i) => (finalStatuses[i] === '200' ? [] : [`user ${user.id}: ${finalStatuses[i]}`]))
	const signedOutAtEnd = finalStatuses.filter((status) => status.endsWith('/login'))
	const signedOutUsers = [...new Set(state.signOuts.map((event) => event.user))]
	if (signedOutUsers.length) {
		const byPhase = countBy(state.signOuts.map((event) => event.phase))
		failures.push(`${signedOutUsers.length} of ${users.length} users were sent to /login during the run (${formatCounts(byPhase)})`)
	}
	if (notOkAtEnd.length)
		failures.push(`GET /tasks with the user's cookie at the end was not 200 for ${notOkAtEnd.length} users (${notOkAtEnd.join(', ')})`)

	const readiness: string[] = []
	for (const name of names) {
		const instance = instances[name].process
		const ready = await answers(readyz(name)).catch(() => false)
		readiness.push(
			`${name}: /readyz ${ready ? 200 : 'not 200'}, started ${instance.starts}×, unexpected exits ${instance.unexpectedExits.length}`,
		)
		if (!ready) failures.push(`${name} is not ready (/readyz) at the end`)
		if (instance.unexpectedExits.length) {
			const exits = instance.unexpectedExits.map((exit) => exit.signal ?? `code ${exit.code}`).join(', ')
			failures.push(`${name} exited on its own (${exits}): see ${path.relative(process.cwd(), instance.logFile)}`)
		}
	}
	if (haproxy.unexpectedExits.length) failures.push('HAProxy exited on its own')
	if (bouncer?.unexpectedExits.length) failures.push('PgBouncer exited on its own')

	// Faults make errors, and errors get logged: none may carry a credential
	// (a failed session lookup's query once logged the session token).
	const secrets = new Set(users.flatMap((user) => [...user.jar.seen].filter((value) => value.length >= 16)))
	let leaks = 0
	for (const name of names) {
		const log = await readFile(instances[name].process.logFile, 'utf8').catch(() => '')
		for (const secret of secrets) if (log.includes(secret)) leaks += 1
		if (JWT_SHAPED.test(log)) leaks += 1
	}
	if (leaks) failures.push(`${leaks} cookie values or JWTs found in the instances' logs`)

	const faultPhases = new Set(['kill app1', 'kill api2', 'rotate key', 'restart postgres'])
	const duringFaults = state.requests.filter((request) => faultPhases.has(request.phase))
	const failedDuringFaults = duringFaults.filter((request) => !request.ok)
	const failedPercent = duringFaults.length ? (100 * failedDuringFaults.length) / duringFaults.length : 0
	if (!duringFaults.length) failures.push('no requests were made during the faults')
	if (failedPercent >= MAX_FAILED_PERCENT) {
		failures.push(`${failedPercent.toFixed(2)} % of the requests during the faults failed (limit ${MAX_FAILED_PERCENT} %)`)
	}

	// ---------------------------------------------------------- figures ---
	const allFailed = state.requests.filter((request) => !request.ok)
	console.log(
		`\n=== Taskwell cluster test: 2 app + 2 API instances, HAProxy, PostgreSQL 15${POOLER === 'pgbouncer' ? ' behind PgBouncer (transaction mode)' : ''} ===`,
	)
	console.log(`users: ${users.length} (${USERS} from the start, ${NEWCOMERS} signed up at the key rotation)`)
	console.log(`credentials in the instances' logs: ${leaks} (checked ${secrets.size} cookie values and JWT shapes)`)
	console.log(`add form as rendered: ${state.addFormFields?.join(', ') ?? 'never read'} (a resubmission sends the same fields)`)
	console.log(
		`adds: attempted ${state.adds.length}, acknowledged ${acknowledged.length}, found once ${foundOnce}, duplicates ${duplicated.length}, missing ${missing.length}` +
			` (resubmitted after a failure: ${resubmitted}; unacknowledged but stored: ${unacknowledgedStored})`,
	)
	console.log(
		`requests: ${state.requests.length}, failed ${allFailed.length} (${percent(allFailed.length, state.requests.length)}); ` +
			`during the faults: ${duringFaults.length}, failed ${failedDuringFaults.length} (${failedPercent.toFixed(2)} %, limit ${MAX_FAILED_PERCENT} %)`,
	)
	if (state.errors.length) console.log(`requests without an answer: ${formatCounts(countBy(state.errors))}`)
	console.log(
		`sign-outs: ${signedOutUsers.length} users sent to /login during the run; at the end GET /tasks answered ${formatCounts(countBy(finalStatuses))}` +
			(signedOutAtEnd.length ? ` (${signedOutAtEnd.length} signed out)` : ''),
	)
	console.log('phases:')
	for (const timing of timings) {
		const requests = state.requests.filter((request) => request.phase === timing.phase)
		const failed = requests.filter((request) => !request.ok)
		const statuses = formatCounts(countBy(failed.map((request) => `${request.what} ${request.status}`)))
		const adds = state.adds.filter((add) => add.phase === timing.phase && add.acknowledged).length
		console.log(
			`  ${timing.phase.padEnd(17)} ${seconds(timing.ms).padStart(7)}  requests ${String(requests.length).padStart(4)}, failed ${String(failed.length).padStart(3)}${statuses ? ` (${statuses})` : ''}, adds acknowledged ${adds}`,
		)
		for (const note of timing.notes) console.log(`      ${note}`)
	}
	console.log('instances:')
	for (const line of readiness) console.log(`  ${line}`)
	return failures
}

function countBy(values: string[]): Map<string, number> {
	const counts = new Map<string, number>()
	for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1)
	return counts
}
function formatCounts(counts: Map<string, number>): string {
	return [...counts].map(([key, n]) => `${key}: ${n}`).join(', ')
}
function percent(part: number, whole: number): string {
	return whole ? `${((100 * part) / whole).toFixed(2)} %` : '0 %'
}

let exitCode = 1
try {
	const failures = await main()
	if (failures.length) {
		console.log(`\nCLUSTER TEST FAILED (logs: ${path.relative(process.cwd(), LOG_DIR)}/)`)
		for (const failure of failures) console.log(`  ✗ ${failure}`)
	} else {
		console.log('\nCLUSTER TEST PASSED')
		exitCode = 0
	}
} catch (error) {
	console.error(`\nCLUSTER TEST FAILED: ${error instanceof Error ? error.message : String(error)}`)
	console.error(`logs: ${path.relative(process.cwd(), LOG_DIR)}/`)
} finally {
	clearTimeout(overall)
	say('cleaning up')
	await cleanUp()
}
process.exit(exitCode)
