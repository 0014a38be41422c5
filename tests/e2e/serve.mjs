// Starts the production build of both services for Playwright, each run on
// its own fresh database: a new Postgres database when DATABASE_URL is set
// (dropped on exit), otherwise a new embedded PGlite directory (removed on
// exit). Server logs go to test-results/e2e-server.log, which the tests read
// to prove no credential is ever logged.
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { createWriteStream, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import postgres from 'postgres'
import { nodeFlags } from '../../scripts/node-flags.mjs'

const port = process.env.E2E_PORT ?? '3100'
const apiPort = process.env.E2E_API_PORT ?? String(Number(port) + 1)
const logFile = path.resolve(process.env.E2E_LOG_FILE ?? 'test-results/e2e-server.log')
mkdirSync(path.dirname(logFile), { recursive: true })
const log = createWriteStream(logFile, { flags: 'w' })

const env = {
	...process.env,
	NODE_ENV: 'production',
	PORT: port,
	TASKS_API_PORT: apiPort,
	BETTER_AUTH_URL: `http://localhost:${port}`,
	LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
	// As behind a load balancer: the tests give each user its own client IP
	// (tests/e2e/support.ts), so per-IP limits count per user, not per suite.
	TRUST_PROXY: 'true',
}
delete env.BETTER_AUTH_SECRET

let cleanup = async () => {}
const baseUrl = process.env.DATABASE_URL
if (baseUrl) {
	const name = `taskwell_e2e_${randomBytes(5).toString('hex')}`
	const admin = postgres(baseUrl, { max: 1, onnotice: () => {} })
	await admin.unsafe(`create database "${name}"`)
	const url = new URL(baseUrl)
	url.pathname = `/${name}`
	env.DATABASE_URL = url.toString()
	cleanup = async () => {
		await admin.unsafe(`drop database if exists "${name}" with (force)`)
		await admin.end()
	}
}
// The generated local secret lives in DATA_DIR too.
const dataDir = mkdtempSync(path.join(tmpdir(), 'taskwell-e2e-'))
env.DATA_DIR = dataDir

const buildDir = process.env.BUILD_DIR ?? 'build'
const children = [
	['app', `${buildDir}/app-server.js`],
	['api', `${buildDir}/api/index.js`],
].map(([name, file]) => {
	const child = spawn(process.execPath, [...nodeFlags(name, env), file], { env, stdio: ['ignore', 'pipe', 'pipe'] })
	child.stdout.pipe(log, { end: false })
	child.stderr.on('data', (chunk) => {
		log.write(chunk)
		process.stderr.write(`[${name}] ${chunk}`)
	})
	child.on('exit', (code, signal) => {
		if (!stopping) {
			process.stderr.write(`[${name}] exited (${signal ?? code})\n`)
			void stop(1)
		}
	})
	return child
})

let stopping = false
async function stop(code = 0) {
	if (stopping) return
	stopping = true
	await Promise.all(
		children.map(
			(child) =>
				new Promise((resolve) => {
					if (child.exitCode !== null || child.signalCode !== null) return resolve(undefined)
					child.once('exit', resolve)
					child.kill('SIGTERM')
					setTimeout(() => child.kill('SIGKILL'), 5000).unref()
				}),
		),
	)
	await cleanup().catch((error) => console.error('could not drop the e2e database', error))
	rmSync(dataDir, { recursive: true, force: true })
	log.end()
	process.exit(code)
}
process.on('SIGTERM', () => void stop())
process.on('SIGINT', () => void stop())
