/**
 * `npm run bench:soak` (issue 25, item 5): both services from the
 * production build, on a Postgres database of their own, under 50 users'
 * mixed reads and writes for SOAK_SECONDS (300). Each user signs up through
 * the form (from a client address of its own, as behind a load balancer
 * with TRUST_PROXY), then, with 0.2–1 s of think time between requests:
 * opens /tasks (45 %), adds a task (20 %), marks one of its tasks done or
 * not done (15 %), searches (10 %), opens /settings (10 %).
 *
 * Each process reports, through bench/soak-probe.mjs, its resident set size
 * as it runs and the event-loop delay, at the end of the first minute and at
 * the end; at the end also its live heap (after a full collection: the
 * services run with --expose-gc), which tells garbage awaiting collection
 * from memory the process keeps.
 * Goals: RSS growth after the first minute < 10 %, event-loop delay p99
 * ≤ 200 ms, 0 errors (an error: a refused connection, a timeout, or a status
 * other than 200 for a page and 302/303 for a form).
 *
 * SOAK_SECONDS, SOAK_USERS (50), BENCH_DATABASE_URL (default
 * postgres://postgres@127.0.0.1:5432/postgres: only used to create and drop
 * the soak's database), BENCH_SKIP_BUILD=1 reuses build/.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { rmSync } from 'node:fs'
import path from 'node:path'
import postgres from 'postgres'
import { nodeFlags } from '../scripts/node-flags.mjs'
import { servicePair } from './services.ts'

const SECONDS = Number(process.env.SOAK_SECONDS ?? 300)
const USERS = Number(process.env.SOAK_USERS ?? 50)
const WARM_SECONDS = Math.min(60, Math.floor(SECONDS / 5))
const BASE_DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const ROOT = path.resolve(import.meta.dirname, '..')
const REQUEST_TIMEOUT_MS = 15_000

type Probe = {
	rssMiB: number
	heapUsedMiB: number
	collected: boolean
	externalMiB: number
	delayP50: number
	delayP99: number
	delayMax: number
}
type Service = { name: string; child: ChildProcess; probes: Probe[] }

/** A service from the build, with the flags `npm start` gives it (scripts/node-flags.mjs), the probe and --expose-gc. */
function startService(name: string, kind: 'app' | 'api', script: string, env: NodeJS.ProcessEnv): Service {
	const flags = [...nodeFlags(kind, env), '--expose-gc', '--import', './bench/soak-probe.mjs']
	const child = spawn(process.execPath, [...flags, script], {
		cwd: ROOT,
		env,
		stdio: ['ignore', 'ignore', 'pipe'],
	})
	const service: Service = { name, child, probes: [] }
	let buffer = ''
	child.stderr!.on('data', (chunk: Buffer) => {
		buffer += chunk.toString()
		for (let end = buffer.indexOf('\n'); end >= 0; end = buffer.indexOf('\n')) {
			const line = buffer.slice(0, end)
			buffer = buffer.slice(end + 1)
			if (line.startsWith('SOAK_PROBE ')) service.probes.push(JSON.parse(line.slice('SOAK_PROBE '.length)) as Probe)
			else if (line.trim()) process.stderr.write(`[${name}] ${line}\n`)
		}
	})
	child.on('exit', (code, signal) => {
		if (!stopping) console.error(`${name} exited (${code ?? signal}) during the soak`)
	})
	return service
}

async function probe(services: Service[]): Promise<void> {
	const counts = services.map((service) => service.probes.length)
	for (const service of services) service.child.kill('SIGUSR2')
	for (let tries = 0; services.some((service, i) => service.probes.length === counts[i]); tries++) {
		if (tries > 500) throw new Error('a service did not answer its probe')
		await sleep(10)
	}
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function waitFor(url: string) {
	for (let tries = 0; tries < 300; tries++) {
		const ok = await fetch(url)
			.then((response) => response.ok)
			.catch(() => false)
		if (ok) return
		await sleep(200)
	}
	throw new Error(`${url} did not answer`)
}

type Stats = { requests: number; errors: Map<string, number>; latencies: number[] }

const WORDS = ['invoice', 'garden', 'dentist', 'budget', 'flight', 'laundry', 'report', 'taxes']

class SoakUser {
	/** The browser's cookies, by name. */
	private readonly jar = new Map<string, string>()
	private taskIds: string[] = []
	private readonly ip: string
	constructor(
		private readonly n: number,
		private readonly base: string,
		private readonly stats: Stats,
	) {
		this.ip = `198.18.${Math.floor(n / 250)}.${(n % 250) + 1}`
	}

	private async request(kind: string, url: string, init: RequestInit & { form?: Record<string, string> } = {}): Promise<string | null> {
		const started = performance.now()
		const cookie = [...this.jar].map(([name, value]) => `${name}=${value}`).join('; ')
		const headers: Record<string, string> = { 'x-forwarded-for': this.ip, ...(cookie ? { cookie } : {}) }
		let body: URLSearchParams | undefined
		if (init.form) {
			headers.origin = this.base
			headers['content-type'] = 'application/x-www-form-urlencoded'
			body = new URLSearchParams(init.form)
		}
		try {
			const response = await fetch(`${this.base}${url}`, {
				method: init.form ? 'POST' : 'GET',
				headers,
				body,
				redirect: 'manual',
				signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
			})
			const text = await response.text()
			const expected = init.form ? response.status === 302 || response.status === 303 : response.status === 200
			this.stats.requests += 1
			this.stats.latencies.push(performance.now() - started)
			if (!expected) {
				const key = `${kind} ${response.status}`
				this.stats.errors.set(key, (this.stats.errors.get(key) ?? 0) + 1)
				return null
			}
			for (const setCookie of response.headers.getSetCookie()) {
				const [pair = '', ...attributes] = setCookie.split(';')
				const name = pair.slice(0, pair.indexOf('='))
				const value = pair.slice(pair.indexOf('=') + 1)
				const expired = !value || attributes.some((attribute) => /^\s*max-age=0\s*$/i.test(attribute))
				if (expired) this.jar.delete(name)
				else this.jar.set(name, value)
			}
			return text
		} catch (error) {
			this.stats.requests += 1
			const key = `${kind} ${(error as Error).name}`
			this.stats.errors.set(key, (this.stats.errors.get(key) ?? 0) + 1)
			return null
		}
	}

	async signUp() {
		await this.request('sign-up', '/signup', {
			form: {
				name: `Soak User ${this.n}`,
				email: `soak-${this.n}-${Date.now()}@example.com`,
				password: 'a good long password',
				confirmPassword: 'a good long password',
			},
		})
		if (![...this.jar.keys()].some((name) => name.endsWith('session_token'))) throw new Error(`user ${this.n} could not sign up`)
	}

	private remember(html: string | null) {
		if (!html) return
		const ids = [...html.matchAll(/href="\/tasks\/([0-9a-f-]{36})"/g)].map((match) => match[1]!)
		if (ids.length) this.taskIds = ids
	}

	async step() {
		const roll = Math.random()
		if (roll < 0.45) this.remember(await this.request('tasks page', '/tasks'))
		else if (roll < 0.65)
			await this.request('add', '/tasks', {
				form: { intent: 'create', title: `${WORDS[this.n % WORDS.length]} ${Date.now()}`, notes: '', priority: 'normal', dueDate: '' },
			})
		else if (roll < 0.8 && this.taskIds.length) {
			const id = this.taskIds[Math.floor(Math.random() * this.taskIds.length)]!
			await this.request('toggle', '/tasks', { form: { intent: 'toggle', id, completed: String(Math.random() < 0.5) } })
		} else if (roll < 0.9) await this.request('search', `/tasks?q=${WORDS[Math.floor(Math.random() * WORDS.length)]}`)
		else await this.request('settings', '/settings')
	}
}

let stopping = false

async function main() {
	if (!process.env.BENCH_SKIP_BUILD) {
		console.log('building…')
		execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' })
	}
	const dbName = `taskwell_soak_${Date.now()}`
	const admin = postgres(BASE_DATABASE_URL, { max: 1, onnotice: () => {} })
	await admin.unsafe(`create database "${dbName}"`)
	const databaseUrl = BASE_DATABASE_URL.replace(/\/[^/]*$/, `/${dbName}`)
	const pair = await servicePair('soak', 'warn')
	const { apiPort, base, dataDir } = pair
	const env: NodeJS.ProcessEnv = {
		...pair.env,
		DATABASE_URL: databaseUrl,
		TRUST_PROXY: 'true',
		// The second probe (the end) collects garbage first: its heap figure is the live heap.
		SOAK_COLLECT_AT_PROBE: '2',
	}
	const app = startService('app', 'app', 'build/app-server.js', env)
	await waitFor(`${base}/healthz`)
	const api = startService('API', 'api', 'build/api/index.js', env)
	const services = [app, api]
	try {
		await waitFor(`http://127.0.0.1:${apiPort}/readyz`)
		const stats: Stats = { requests: 0, errors: new Map(), latencies: [] }
		const users = Array.from({ length: USERS }, (_, i) => new SoakUser(i + 1, base, stats))
		console.log(`${USERS} users sign up…`)
		for (const user of users) await user.signUp()
		console.log(`soaking for ${SECONDS} s (figures from the end of second ${WARM_SECONDS} on)…`)
		const started = Date.now()
		const until = started + SECONDS * 1000
		let warmProbed = false
		const warm = (async () => {
			await sleep(WARM_SECONDS * 1000)
			await probe(services)
			warmProbed = true
			stats.latencies = []
		})()
		await Promise.all(
			users.map(async (user) => {
				while (Date.now() < until) {
					await user.step()
					await sleep(200 + Math.random() * 800)
				}
			}),
		)
		await warm
		if (!warmProbed) throw new Error('the soak ended before its first minute')
		await probe(services)
		const elapsed = (Date.now() - started) / 1000
		const sorted = [...stats.latencies].sort((a, b) => a - b)
		const p = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0
		const errors = [...stats.errors.values()].reduce((a, b) => a + b, 0)

		console.log(`\n${USERS} users, ${SECONDS} s, ${stats.requests} requests (${(stats.requests / elapsed).toFixed(0)}/s), errors ${errors}`)
		console.log(`client latency after second ${WARM_SECONDS}: p50 ${p(0.5).toFixed(1)} ms, p99 ${p(0.99).toFixed(1)} ms`)
		console.log(
			`| process | RSS at ${WARM_SECONDS} s (MiB) | RSS at end (MiB) | growth | heap used at ${WARM_SECONDS} s → live heap at end (MiB) | external (MiB) | event-loop delay p50 / p99 / max (ms) |`,
		)
		console.log('| --- | --- | --- | --- | --- | --- | --- |')
		const goals: string[] = []
		for (const service of services) {
			const [first, last] = [service.probes.at(-2)!, service.probes.at(-1)!]
			const growth = (100 * (last.rssMiB - first.rssMiB)) / first.rssMiB
			console.log(
				`| ${service.name} | ${first.rssMiB} | ${last.rssMiB} | ${growth >= 0 ? '+' : ''}${growth.toFixed(1)} % | ${first.heapUsedMiB} → ${last.heapUsedMiB} | ${first.externalMiB} → ${last.externalMiB} | ${last.delayP50} / ${last.delayP99} / ${last.delayMax} |`,
			)
			goals.push(`${service.name}: RSS growth ${growth.toFixed(1)} % (goal < 10 %: ${growth < 10 ? 'met' : 'NOT met'})`)
			goals.push(`${service.name}: event-loop delay p99 ${last.delayP99} ms (goal ≤ 200 ms: ${last.delayP99 <= 200 ? 'met' : 'NOT met'})`)
		}
		goals.push(`errors ${errors} (goal 0: ${errors === 0 ? 'met' : 'NOT met'})`)
		if (errors) console.log(`errors: ${[...stats.errors].map(([key, n]) => `${key} ×${n}`).join(', ')}`)
		console.log(`\nGoals:\n${goals.map((goal) => `- ${goal}`).join('\n')}`)
	} finally {
		stopping = true
		for (const service of services) service.child.kill('SIGTERM')
		await Promise.all(
			services.map(
				(service) => new Promise((resolve) => (service.child.exitCode !== null ? resolve(null) : service.child.once('exit', resolve))),
			),
		)
		await admin.unsafe(`drop database if exists "${dbName}" with (force)`)
		await admin.end()
		rmSync(dataDir, { recursive: true, force: true })
	}
}

await main()
