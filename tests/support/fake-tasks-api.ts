/**
 * A stand-in for the task API: answers DELETE /v1/me/tasks (account deletion
 * asks it to delete the user's tasks) and records what the app asked, so
 * account tests see the calls without a real API. Closes after the test file.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll } from 'vitest'

export type FakeTasksApi = {
	url: string
	calls: Array<{ method: string; path: string; authorization: string | undefined }>
	status: number
	close(): Promise<void>
}

/** Answers DELETE /v1/me/tasks with `status` (204 unless changed). */
export async function startFakeTasksApi(): Promise<FakeTasksApi> {
	const api: FakeTasksApi = { url: '', calls: [], status: 204, close: async () => {} }
	const server = createServer((req, res) => {
		api.calls.push({ method: req.method ?? '', path: req.url ?? '', authorization: req.headers.authorization })
		res.statusCode = api.status
		res.end()
	})
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
	api.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
	api.close = () =>
		new Promise<void>((resolve) => {
			server.closeAllConnections()
			server.close(() => resolve())
		})
	afterAll(api.close)
	return api
}
