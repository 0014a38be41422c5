/**
 * Issue 24: the database failing while a signed-in page is served is a 503
 * "Taskwell is having trouble" with Retry-After, never a 500 and never a
 * sign-out: the session read, and minting the task API token (Better Auth
 * reads the session again, then the signing keys, and may create one).
 * Through the real /tasks loader and action (tests/support/routes.ts), the
 * real Better Auth, the real task API and a real database made to fail: a
 * table renamed away for a moment, then the pool closed (the last test).
 * tests/e2e/resilience.server.spec.ts checks the page and `.data` answers the
 * production server makes of it.
 */
import { describe, expect, test } from 'vitest'
import { signUp as signUpAccount } from '#tests/support/accounts.ts'
import { onTestDatabaseTeardown } from '#tests/support/fresh-database.ts'
import { startTasksApiForApp } from '#tests/support/tasks-api.ts'

// The environment is read once, when the app's modules load: the API starts
// first, so TASKS_API_URL can point at it.
await startTasksApiForApp()

const { formPost, get, runRoute } = await import('#tests/support/routes.ts')
const { database, db } = await import('#app/lib/db.server.ts')
const { TROUBLE_MESSAGE } = await import('#app/lib/http/trouble.ts')
const tasksRoute = await import('#app/routes/tasks/index.tsx')
const { sql } = await import('drizzle-orm')

let closed = false
onTestDatabaseTeardown(async () => {
	if (!closed) await database.close()
})

/** A new account and its session cookie (a session no token was minted for yet). */
const signUp = async () => (await signUpAccount()).cookie

/** `run()` while `table` is renamed away (every query naming it fails), then renamed back. */
async function withoutTable<T>(table: 'jwks' | 'session', run: () => Promise<T>): Promise<T> {
	await db.execute(sql.raw(`alter table "${table}" rename to "${table}_unavailable"`))
	try {
		return await run()
	} finally {
		await db.execute(sql.raw(`alter table "${table}_unavailable" rename to "${table}"`))
	}
}

/** The one answer to a database failure: 503, Retry-After, the message; no sign-out, no redirect. */
async function expectTrouble(response: Response) {
	expect(response.status).toBe(503)
	expect(response.headers.get('retry-after')).toBe('5')
	expect(response.headers.get('cache-control')).toBe('no-store')
	expect(response.headers.get('set-cookie')).toBeNull()
	expect(response.headers.get('location')).toBeNull()
	expect(await response.text()).toBe(TROUBLE_MESSAGE)
}

describe('minting the task API token', () => {
	test('the signing keys cannot be read: the page and a form post are 503 with Retry-After; the session is kept', async () => {
		const cookie = await signUp()
		await withoutTable('jwks', async () => {
			await expectTrouble((await runRoute(tasksRoute.loader, get('/tasks', { cookie }))).response)
			const added = await runRoute(tasksRoute.action, formPost('/tasks', { intent: 'create', title: 'Not now' }, { cookie }))
			await expectTrouble(added.response)
		})
		// Back: the same session, a token minted, the real API answering.
		const { response, data } = await runRoute(tasksRoute.loader, get('/tasks', { cookie }))
		expect(response.status).toBe(200)
		expect(data.list.items).toEqual([])
	})

	test('the session cannot be read again while minting: 503, not a redirect to sign in', async () => {
		const cookie = await signUp()
		// The session was resolved (the signed-in layout's middleware); then,
		// before the loader mints, the session table is gone. Better Auth's
		// getToken answers that "no session": it is checked, not believed.
		const { response } = await runRoute(
			(args) => withoutTable('session', () => tasksRoute.loader(args as Parameters<typeof tasksRoute.loader>[0])),
			get('/tasks', { cookie }),
		)
		await expectTrouble(response)
		expect((await runRoute(tasksRoute.loader, get('/tasks', { cookie }))).response.status).toBe(200)
	})

	test('the pool closed after the session was read: 503 with Retry-After, not a 500', async () => {
		const cookie = await signUp()
		const { response } = await runRoute(
			async (args) => {
				await database.close()
				closed = true
				return tasksRoute.loader(args as Parameters<typeof tasksRoute.loader>[0])
			},
			get('/tasks', { cookie }),
		)
		await expectTrouble(response)
		// The next page too.
		await expectTrouble((await runRoute(tasksRoute.loader, get('/tasks?status=active', { cookie }))).response)
	})
})
