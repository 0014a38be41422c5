/**
 * The real task API for integration tests of the app: started in the test
 * process on this file's fresh database (tests/api/test-support.ts), and
 * verifying tokens against the key set of the app's own Better Auth, served
 * here the way the app serves it at /api/auth/jwks. TASKS_API_URL points at
 * it for the file. Call it before the app's modules load (the app reads its
 * environment once); the key set is read through the app only when the API
 * first asks for it, by which time the test has loaded the app.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { onTestDatabaseTeardown } from './fresh-database.ts'
import { setEnvForThisFile } from './test-env.ts'
import { ISSUER, startApi, type RunningApi } from '#tests/api/test-support.ts'
import type { TaskLimits, WorkspaceLimits } from '#server/tasks/limits.ts'

export type AppTasksApi = RunningApi & {
	jwksUrl: string
	/** How many times the API fetched the app's key set. */
	jwksRequests: number
}

export async function startTasksApiForApp(options: { limits?: TaskLimits; workspaceLimits?: WorkspaceLimits } = {}): Promise<AppTasksApi> {
	let jwksRequests = 0
	const jwksServer = createServer((_req, res) => {
		jwksRequests += 1
		void import('#app/lib/auth/better-auth.server.ts')
			.then(({ auth }) => auth.handler(new Request(`${ISSUER}/api/auth/jwks`)))
			.then(async (response) => {
				res.statusCode = response.status
				res.setHeader('content-type', response.headers.get('content-type') ?? 'application/json')
				res.end(await response.text())
			})
	})
	await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve))
	onTestDatabaseTeardown(async () => {
		jwksServer.closeAllConnections()
		await new Promise<void>((resolve) => jwksServer.close(() => resolve()))
	})
	const jwksUrl = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/api/auth/jwks`
	const api = await startApi({ jwksUrl, limits: options.limits, workspaceLimits: options.workspaceLimits })
	setEnvForThisFile({ TASKS_API_URL: api.url })
	return {
		...api,
		jwksUrl,
		get jwksRequests() {
			return jwksRequests
		},
	}
}
