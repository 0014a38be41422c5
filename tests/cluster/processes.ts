/**
 * The cluster test's processes: free loopback ports, service instances (the
 * production build, started like `npm run start:app` / `start:api`) that can
 * be killed and started again, and HAProxy in front of each pair.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createWriteStream, writeFileSync, type WriteStream } from 'node:fs'
import { createServer } from 'node:net'
import path from 'node:path'

/** Distinct free TCP ports on 127.0.0.1 (held open together, then released). */
export async function freePorts(count: number): Promise<number[]> {
	const servers = await Promise.all(
		Array.from(
			{ length: count },
			() =>
				new Promise<import('node:net').Server>((resolve, reject) => {
					const server = createServer()
					server.once('error', reject)
					server.listen(0, '127.0.0.1', () => resolve(server))
				}),
		),
	)
	const ports = servers.map((server) => (server.address() as import('node:net').AddressInfo).port)
	await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))))
	return ports
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/**
 * Polls `check` every `intervalMs` until it is true; throws after `timeoutMs`,
 * or at once when `hopeless()` names a reason to stop waiting.
 */
export async function waitFor(
	what: string,
	check: () => Promise<boolean>,
	timeoutMs: number,
	hopeless: () => string | undefined = () => undefined,
	intervalMs = 250,
) {
	const deadline = Date.now() + timeoutMs
	while (Date.now() < deadline) {
		const reason = hopeless()
		if (reason) throw new Error(`gave up waiting for ${what}: ${reason}`)
		if (await check().catch(() => false)) return
		await sleep(intervalMs)
	}
	throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
}

/** GET url answers `status` (default 200) within 2 s. */
export async function answers(url: string, status = 200): Promise<boolean> {
	const response = await fetch(url, { signal: AbortSignal.timeout(2000) })
	await response.body?.cancel()
	return response.status === status
}

type Exit = { code: number | null; signal: NodeJS.Signals | null }

/**
 * One long-running child process whose output goes to a log file. Exits the
 * test did not ask for are recorded: an instance must never need a restart
 * of its own.
 */
export class ManagedProcess {
	private child: ChildProcess | null = null
	private expectingExit = false
	private readonly log: WriteStream
	readonly unexpectedExits: Exit[] = []
	starts = 0

	constructor(
		readonly name: string,
		private readonly command: string,
		private readonly args: string[],
		private readonly env: NodeJS.ProcessEnv,
		readonly logFile: string,
		private readonly cwd = process.cwd(),
	) {
		this.log = createWriteStream(logFile, { flags: 'a' })
	}

	get pid() {
		return this.child?.pid
	}

	get running() {
		return this.child !== null
	}

	start() {
		if (this.child) throw new Error(`${this.name} is already running`)
		this.starts += 1
		this.expectingExit = false
		this.log.write(`--- ${new Date().toISOString()} start #${this.starts}\n`)
		const child = spawn(this.command, this.args, { env: this.env, cwd: this.cwd, stdio: ['ignore', 'pipe', 'pipe'] })
		child.stdout!.pipe(this.log, { end: false })
		child.stderr!.pipe(this.log, { end: false })
		child.once('exit', (code, signal) => {
			this.log.write(`--- ${new Date().toISOString()} exited (${signal ?? code})\n`)
			if (!this.expectingExit) this.unexpectedExits.push({ code, signal })
			if (this.child === child) this.child = null
		})
		this.child = child
	}

	/** Sends `signal` and waits for the exit (SIGKILL after `graceMs`). */
	async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 5000): Promise<void> {
		const child = this.child
		if (!child) return
		this.expectingExit = true
		const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
		child.kill(signal)
		const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
		await exited
		clearTimeout(timer)
	}

	close() {
		this.log.end()
	}
}

export type HaproxyPorts = { app: number; api: number; stats: number }
export type Backend = { name: string; port: number }

/**
 * The configuration docs/deployment.md shows ("HAProxy example"),
 * with the test's loopback ports: round robin, health checks on /readyz,
 * a retry on another instance when a connection cannot be made.
 */
export function haproxyConfig(ports: HaproxyPorts, apps: Backend[], apis: Backend[], appCheckPath = '/readyz'): string {
	const servers = (list: Backend[]) => list.map((backend) => `\tserver ${backend.name} 127.0.0.1:${backend.port} check`).join('\n')
	/** A round-robin backend of `list`, each checked with GET `checkPath` (Host: its frontend's address, port `port`). */
	const backendSection = (name: string, port: number, checkPath: string, list: Backend[]) => `backend ${name}
	balance roundrobin
	option httpchk
	http-check send meth GET uri ${checkPath} ver HTTP/1.1 hdr Host 127.0.0.1:${port}
	http-check expect status 200
	default-server inter 1s fall 2 rise 2
${servers(list)}`
	return `global
	maxconn 1024
	log stdout format raw local0 info

defaults
	mode http
	log global
	option httplog
	timeout connect 2s
	timeout client 30s
	timeout server 30s
	timeout http-request 10s
	# A busy instance may take a moment to answer /readyz: out only after
	# two checks failed or took longer than this.
	timeout check 5s
	retries 3
	option redispatch

frontend taskwell_app
	bind 127.0.0.1:${ports.app}
	# The app trusts X-Forwarded-For (TRUST_PROXY=true): replace whatever
	# the client sent with the address HAProxy saw.
	http-request del-header X-Forwarded-For
	option forwardfor
	# The app's "Keep-Alive: timeout=65" describes its own connection to
	# HAProxy; passed on, clients would keep idle connections open longer
	# than HAProxy does (timeout http-request) and lose requests to the race.
	http-response del-header Keep-Alive
	default_backend taskwell_app

${backendSection('taskwell_app', ports.app, appCheckPath, apps)}

frontend taskwell_api
	bind 127.0.0.1:${ports.api}
	default_backend taskwell_api

${backendSection('taskwell_api', ports.api, '/readyz', apis)}

listen stats
	bind 127.0.0.1:${ports.stats}
	stats enable
	stats uri /stats
`
}

export function writeHaproxyConfig(dir: string, config: string): string {
	const file = path.join(dir, 'haproxy.cfg')
	writeFileSync(file, config)
	return file
}

/** HAProxy's view of one server: "UP", "DOWN", "UP 1/2", … (from the stats CSV). */
export async function haproxyStatus(statsPort: number, backend: string, server: string): Promise<string | undefined> {
	const response = await fetch(`http://127.0.0.1:${statsPort}/stats;csv`, { signal: AbortSignal.timeout(2000) })
	const csv = await response.text()
	for (const line of csv.split('\n')) {
		const fields = line.split(',')
		if (fields[0] === backend && fields[1] === server) return fields[17]
	}
	return undefined
}
