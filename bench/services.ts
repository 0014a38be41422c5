/**
 * What the benchmarks (bench/run.ts, bench/soak.ts) need to start
 * Taskwell's two services from a build: free loopback ports, and the
 * environment of a production pair on those ports with a data directory of
 * its own (no secret from the caller's environment: each run makes its own).
 */
import { mkdtempSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'

export async function freePort(): Promise<number> {
	return new Promise((resolve) => {
		const probe = createServer()
		probe.listen(0, '127.0.0.1', () => {
			const { port } = probe.address() as AddressInfo
			probe.close(() => resolve(port))
		})
	})
}

/** Ports, the app's URL (`base`), a new data directory and the services' environment (without DATABASE_URL: embedded databases). */
export async function servicePair(name: string, logLevel: string) {
	const appPort = await freePort()
	const apiPort = await freePort()
	const dataDir = mkdtempSync(path.join(tmpdir(), `taskwell-${name}-`))
	const base = `http://localhost:${appPort}`
	const env: NodeJS.ProcessEnv = {
		...process.env,
		NODE_ENV: 'production',
		PORT: String(appPort),
		TASKS_API_PORT: String(apiPort),
		BETTER_AUTH_URL: base,
		DATA_DIR: dataDir,
		LOG_LEVEL: logLevel,
	}
	delete env.BETTER_AUTH_SECRET
	delete env.BETTER_AUTH_SECRETS
	delete env.DATABASE_URL
	return { appPort, apiPort, base, dataDir, env }
}
