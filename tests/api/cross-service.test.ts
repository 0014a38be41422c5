/**
 * End to end across the two services: tokens minted by the app's real Better
 * Auth (jwt plugin, EdDSA) for real signed-up users, verified by the running
 * task API against the key set the app serves at /api/auth/jwks.
 */
import { decodeProtectedHeader } from 'jose'
import { describe, expect, test } from 'vitest'
import type { Task, TaskList } from '#common/tasks-contract.ts'
import { onTestDatabaseTeardown } from '#tests/support/fresh-database.ts'
import { startTasksApiForApp } from '#tests/support/tasks-api.ts'
import { setEnvForThisFile } from '#tests/support/test-env.ts'
import { call, ISSUER, startApi } from './test-support.ts'

setEnvForThisFile({ BETTER_AUTH_URL: ISSUER, TASKS_API_AUDIENCE: 'taskwell-tasks-api' })
// The API verifies against the app's key set, served the way the app serves it (auth.handler).
const api = await startTasksApiForApp()

const { auth } = await import('#app/lib/auth/better-auth.server.ts')
const { database: appDatabase } = await import('#app/lib/db.server.ts')
onTestDatabaseTeardown(() => appDatabase.close())

let counter = 0
async function signUpAndMint(name: string) {
	counter += 1
	const email = `cross-${counter}-${Date.now()}@example.com`
	const { headers } = await auth.api.signUpEmail({
		body: { name, email, password: 'a good long password' },
		returnHeaders: true,
	})
	const cookie = headers
		.getSetCookie()
		.map((setCookie) => setCookie.split(';')[0])
		.join('; ')
	expect(cookie).toMatch(/session_token=/)
	const { token } = await auth.api.getToken({ headers: new Headers({ cookie }) })
	const session = await auth.api.getSession({ headers: new Headers({ cookie }) })
	return { token, userId: session!.user.id }
}

describe('tokens minted by the app’s Better Auth', () => {
	test('happy path: create, list, read, update, delete with a real token', async () => {
		const { token } = await signUpAndMint('Ada Lovelace')
		expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'EdDSA' })

		const created = await call(api, 'POST', '/v1/tasks', {
			token,
			body: { title: 'Write the first program', notes: 'Bernoulli numbers', priority: 'high', dueDate: '2026-12-10' },
		})
		expect(created.status).toBe(201)
		const task = (await created.json()) as Task
		expect(created.headers.get('location')).toBe(`/v1/tasks/${task.id}`)

		const listed = await call(api, 'GET', '/v1/tasks', { token })
		expect(listed.status).toBe(200)
		const page = (await listed.json()) as TaskList
		expect(page.items).toEqual([task])
		expect(page.counts).toEqual({ all: 1, active: 1, completed: 0 })

		const patched = await call(api, 'PATCH', `/v1/tasks/${task.id}`, { token, body: { completed: true } })
		expect(((await patched.json()) as Task).completed).toBe(true)
		expect((await call(api, 'GET', `/v1/tasks/${task.id}`, { token })).status).toBe(200)
		expect((await call(api, 'DELETE', `/v1/tasks/${task.id}`, { token })).status).toBe(204)
		expect(api.jwksRequests).toBeGreaterThan(0)
	})

	test('the verified sub is the Better Auth user id; two users stay apart', async () => {
		const grace = await signUpAndMint('Grace Hopper')
		const alan = await signUpAndMint('Alan Turing')
		const graceTask = (await (await call(api, 'POST', '/v1/tasks', { token: grace.token, body: { title: 'Find the bug' } })).json()) as Task
		await call(api, 'POST', '/v1/tasks', { token: alan.token, body: { title: 'Break the code' } })

		const alanList = (await (await call(api, 'GET', '/v1/tasks', { token: alan.token })).json()) as TaskList
		expect(alanList.items.map((item) => item.title)).toEqual(['Break the code'])
		expect((await call(api, 'GET', `/v1/tasks/${graceTask.id}`, { token: alan.token })).status).toBe(404)

		const row = await api.database.db.query.task.findFirst({ where: (task, { eq }) => eq(task.id, graceTask.id) })
		expect(row?.userId).toBe(grace.userId)

		// What the app does when an account is deleted.
		const removed = await call(api, 'DELETE', '/v1/me/tasks', { token: grace.token })
		expect(removed.status).toBe(204)
		expect(((await (await call(api, 'GET', '/v1/tasks', { token: grace.token })).json()) as TaskList).counts.all).toBe(0)
		expect(((await (await call(api, 'GET', '/v1/tasks', { token: alan.token })).json()) as TaskList).counts.all).toBe(1)
	})

	test('a real token with one byte changed is refused', async () => {
		const { token } = await signUpAndMint('Mallory')
		const [header, payload, signature] = token.split('.') as [string, string, string]
		const flipped = `${signature.slice(0, -2)}${signature.at(-2) === 'A' ? 'B' : 'A'}${signature.at(-1)}`
		const response = await call(api, 'GET', '/v1/tasks', { token: `${header}.${payload}.${flipped}` })
		expect(response.status).toBe(401)
		expect(response.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"')
	})

	test('key rotation on the app side: the running API accepts the new key without restart', async () => {
		const { db: appDb } = await import('#app/lib/db.server.ts')
		const { jwks } = await import('#app/lib/db/schema.ts')
		const rotatingApi = await startApi({ jwksUrl: api.jwksUrl, sharing: api })
		try {
			const before = await signUpAndMint('Before Rotation')
			const oldKid = decodeProtectedHeader(before.token).kid
			expect((await call(rotatingApi, 'GET', '/v1/tasks', { token: before.token })).status).toBe(200)

			// Better Auth rotates when the newest key has expired: it mints a
			// new one and keeps publishing the old one for its grace period.
			// The API fetched the set just now: the new key must still be
			// accepted on first sight (issue 9).
			await appDb.update(jwks).set({ expiresAt: new Date(Date.now() - 1000) })
			const after = await signUpAndMint('After Rotation')
			const newKid = decodeProtectedHeader(after.token).kid
			expect(newKid).toBeTruthy()
			expect(newKid).not.toBe(oldKid)

			const requestsBefore = api.jwksRequests
			expect((await call(rotatingApi, 'GET', '/v1/tasks', { token: after.token })).status).toBe(200)
			expect(api.jwksRequests).toBe(requestsBefore + 1)
			// Tokens signed with the previous key still verify.
			expect((await call(rotatingApi, 'GET', '/v1/tasks', { token: before.token })).status).toBe(200)
		} finally {
			await rotatingApi.close()
		}
	})

	test('/readyz is ready with the app’s key set', async () => {
		expect((await fetch(`${api.url}/readyz`)).status).toBe(200)
	})
})
