/**
 * A throwaway PgBouncer in transaction mode, as deployments put in front of
 * Postgres (docs/deployment.md, "Behind PgBouncer"): Debian's `pgbouncer`
 * (1.18 here; PGBOUNCER_BIN to change), on its own port on 127.0.0.1, passing
 * every database name through to one Postgres server as that URL's user.
 * Used by common/database-pooler.postgres.test.ts and the cluster test's
 * PgBouncer round (tests/cluster/run.ts).
 *
 * PgBouncer refuses to run as root: as root it is started with `-u postgres`
 * (it switches to that user), in a folder that user can write.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { chmodSync, chownSync, existsSync, mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { runAs } from '#tests/cluster/postgres-server.ts'

export const PGBOUNCER_BIN = process.env.PGBOUNCER_BIN ?? '/usr/sbin/pgbouncer'

/** Whether PgBouncer is installed (Debian: apt-get install pgbouncer; .ci/run installs it). */
export function missingPgBouncer(): string | null {
	return existsSync(PGBOUNCER_BIN) ? null : `no PgBouncer at ${PGBOUNCER_BIN} (Debian: apt-get install pgbouncer, or set PGBOUNCER_BIN)`
}

export type PgBouncerSetup = {
	/** The command and arguments that run it in the foreground (it logs to stderr too). */
	command: string
	args: string[]
	/** `postgresUrl` with host and port replaced by PgBouncer's. */
	url: (postgresUrl: string) => string
	/** Its log file, or null when only stderr is kept (the caller's). */
	logFile: string | null
}

/**
 * Writes PgBouncer's configuration into `dir/pgbouncer` (which must not exist)
 * for a Postgres server at `postgresUrl` (its host, port and user), listening
 * on 127.0.0.1:`port`. With `logToFile: false` it logs to stderr only.
 */
export function preparePgBouncer(dir: string, postgresUrl: string, port: number, { logToFile = true } = {}): PgBouncerSetup {
	const home = path.join(dir, 'pgbouncer')
	mkdirSync(home)
	const user = runAs()
	const asRoot = user.uid !== undefined
	if (asRoot) {
		chownSync(home, user.uid!, user.gid!)
		chmodSync(dir, 0o755)
	}
	const server = new URL(postgresUrl)
	const logFile = logToFile ? path.join(home, 'pgbouncer.log') : null
	const configFile = path.join(home, 'pgbouncer.ini')
	writeFileSync(
		configFile,
		`[databases]
* = host=${server.hostname} port=${server.port || 5432} user=${decodeURIComponent(server.username) || 'postgres'}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = ${port}
unix_socket_dir =
; Loopback only, and the server trusts loopback: no password here either.
auth_type = any
pool_mode = transaction
max_client_conn = 1000
default_pool_size = 20
; The server is restarted by the cluster test: reconnect at once.
server_login_retry = 1
${logFile ? `logfile = ${logFile}` : ''}
pidfile = ${path.join(home, 'pgbouncer.pid')}
`,
	)
	if (asRoot) chmodSync(configFile, 0o644)
	return {
		command: PGBOUNCER_BIN,
		args: [...(asRoot ? ['-u', 'postgres'] : []), configFile],
		url(postgresUrl) {
			const url = new URL(postgresUrl)
			url.hostname = '127.0.0.1'
			url.port = String(port)
			return url.toString()
		},
		logFile,
	}
}

/** Runs a prepared PgBouncer until stop(); resolves once it accepts connections. */
export async function startPgBouncer(setup: PgBouncerSetup, port: number): Promise<{ process: ChildProcess; stop: () => Promise<void> }> {
	const child = spawn(setup.command, setup.args, { stdio: 'ignore' })
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
	const { connect } = await import('node:net')
	for (let tries = 0; ; tries++) {
		if (child.exitCode !== null) throw new Error(`PgBouncer exited at start (code ${child.exitCode}; log: ${setup.logFile ?? 'stderr'})`)
		const listening = await new Promise<boolean>((resolve) => {
			const socket = connect(port, '127.0.0.1')
			socket.once('connect', () => {
				socket.destroy()
				resolve(true)
			})
			socket.once('error', () => resolve(false))
		})
		if (listening) break
		if (tries > 200) {
			child.kill('SIGKILL')
			throw new Error(`PgBouncer did not listen on ${port} (log: ${setup.logFile ?? 'stderr'})`)
		}
		await new Promise((resolve) => setTimeout(resolve, 25))
	}
	return {
		process: child,
		async stop() {
			if (child.exitCode === null) child.kill('SIGINT')
			await exited
		},
	}
}
