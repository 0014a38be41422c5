/**
 * A throwaway PostgreSQL server for the cluster test: its own data directory
 * in a temporary folder, its own port on 127.0.0.1, started and restarted
 * with the machine's pg_ctl (PostgreSQL 15 by default, PG_BIN to change).
 *
 * initdb and postgres refuse to run as root: when the test runs as root, they
 * run as the `postgres` OS user (through runuser) in a folder it owns.
 */
import { execFile, execFileSync } from 'node:child_process'
import { promisify } from 'node:util'
import { chmodSync, chownSync, existsSync, mkdirSync } from 'node:fs'
import path from 'node:path'

export type PostgresServer = {
	url: string
	port: number
	logFile: string
	/** initdb, then pg_ctl start. */
	start(): Promise<void>
	restart(): Promise<void>
	/** Stops the server at once (idempotent, never throws). */
	stop(): void
}

const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin'

/** How to run a program that refuses root: as the `postgres` OS user (its ids) when this process is root, else as is. */
export type RunAs = { prefix: string[]; uid?: number; gid?: number }

export function runAs(): RunAs {
	if (process.getuid?.() !== 0) return { prefix: [] }
	let ids: string
	try {
		ids = execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim()
	} catch {
		throw new Error('running as root, and there is no `postgres` OS user to run initdb and postgres as (they refuse root)')
	}
	const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim())
	return { prefix: ['runuser', '-u', 'postgres', '--'], uid: Number(ids), gid }
}

const execFileAsync = promisify(execFile)

async function run(user: RunAs, command: string, args: string[]) {
	const [file, ...rest] = [...user.prefix, command, ...args]
	await execFileAsync(file!, rest, { timeout: 90_000 })
}

function runSync(user: RunAs, command: string, args: string[]) {
	const [file, ...rest] = [...user.prefix, command, ...args]
	execFileSync(file!, rest, { stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 })
}

/**
 * A server in `baseDir/postgres` (which must not exist yet), with
 * `settings` as extra `-c name=value` options (values without spaces). stop() is safe
 * at any time, even while start() runs: the clean-up never leaves a server.
 */
export function createPostgres(baseDir: string, port: number, settings: Record<string, string> = {}): PostgresServer {
	const initdb = path.join(PG_BIN, 'initdb')
	const pgCtl = path.join(PG_BIN, 'pg_ctl')
	const home = path.join(baseDir, 'postgres')
	const dataDir = path.join(home, 'data')
	const logFile = path.join(home, 'server.log')
	const ctlArgs = (...args: string[]) => ['-D', dataDir, '-w', '-t', '60', ...args]
	let user: RunAs | undefined
	let stopped = false
	return {
		url: `postgres://postgres@127.0.0.1:${port}/postgres`,
		port,
		logFile,
		async start() {
			if (!existsSync(initdb) || !existsSync(pgCtl)) {
				throw new Error(`no initdb/pg_ctl in ${PG_BIN} (Debian: apt-get install postgresql-15, or set PG_BIN)`)
			}
			user = runAs()
			mkdirSync(home)
			if (user.uid !== undefined) {
				chownSync(home, user.uid, user.gid!)
				// The postgres user must reach its folder inside the root-owned temp dir.
				chmodSync(baseDir, 0o755)
			}
			await run(user, initdb, ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync', '--locale=C'])
			if (stopped) throw new Error('stopped while starting')
			// Only loopback TCP and a socket in its own folder; fsync off because
			// the data is thrown away (a clean restart still keeps every commit).
			const extra = Object.entries(settings).map(([name, value]) => ` -c ${name}=${value}`)
			const options = `-p ${port} -c listen_addresses=127.0.0.1 -k ${home} -c fsync=off -c max_connections=100${extra.join('')}`
			await run(user, pgCtl, ctlArgs('-l', logFile, '-o', options, 'start'))
		},
		// pg_ctl restart keeps the options of the last start (postmaster.opts).
		restart: () => run(user!, pgCtl, ctlArgs('-l', logFile, '-m', 'fast', 'restart')),
		stop() {
			if (stopped) return
			stopped = true
			if (!user || !existsSync(dataDir)) return
			try {
				// Synchronous: it also runs from the process's exit handler.
				runSync(user, pgCtl, ctlArgs('-m', 'immediate', 'stop'))
			} catch {
				// not running
			}
		},
	}
}
