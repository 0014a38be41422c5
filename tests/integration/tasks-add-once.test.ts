/**
 * The add form through the real /tasks loader and action, the real Better
 * Auth and the real task API (on this file's fresh database, with small
 * per-account limits): the one-time key makes a submit that arrives twice
 * add one task, and the API's limits come back as form errors with the
 * input kept (422 cap, 429 rate with Retry-After), never an "unavailable" page.
 */
import { describe, expect, test } from 'vitest'
import { signUp as signUpAccount } from '#tests/support/accounts.ts'
import { onTestDatabaseTeardown } from '#tests/support/fresh-database.ts'
import { startTasksApiForApp } from '#tests/support/tasks-api.ts'

const LIMITS = { maxTasksPerUser: 5, createsPerMinute: 3 }

// The environment is read once, when the app's modules load: the API starts
// first, so TASKS_API_URL can point at it.
const api = await startTasksApiForApp({ limits: LIMITS })

const { formPost, get, runRoute } = await import('#tests/support/routes.ts')
const { auth } = await import('#app/lib/auth/better-auth.server.ts')
const { database } = await import('#app/lib/db.server.ts')
const { ADD_KEY_REUSED_MESSAGE } = await import('#app/routes/tasks/+shared/view.ts')
const tasksRoute = await import('#app/routes/tasks/index.tsx')
const { sql } = await import('drizzle-orm')
onTestDatabaseTeardown(() => database.close())

/** A new account's session cookie. */
const signUp = async () => (await signUpAccount()).cookie

async function loadTasks(cookie: string) {
	const { response, data } = await runRoute<{ addKey: string; list: { items: Array<{ id: string; title: string }> } }>(
		tasksRoute.loader,
		get('/tasks', { cookie }),
	)
	expect(response.status).toBe(200)
	return data!
}

type AddResult = { result?: { error?: Record<string, string[]>; initialValue?: Record<string, unknown> }; addKey?: string }

function add(cookie: string, fields: Record<string, string>) {
	return runRoute<AddResult>(tasksRoute.action, formPost('/tasks', { intent: 'create', priority: 'normal', ...fields }, { cookie }))
}

async function userIdOf(cookie: string) {
	const session = await auth.api.getSession({ headers: new Headers({ cookie }) })
	return session!.user.id
}

describe('the add form adds once', () => {
	test('each render carries a new one-time key', async () => {
		const cookie = await signUp()
		const first = await loadTasks(cookie)
		const second = await loadTasks(cookie)
		expect(first.addKey).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
		expect(second.addKey).not.toBe(first.addKey)
	})

	test('the same form posted twice (double click, reload that posts again) adds one task', async () => {
		const cookie = await signUp()
		const { addKey } = await loadTasks(cookie)
		const fields = { title: 'Water the plants', notes: 'Balcony too', idempotencyKey: addKey }
		const [one, two] = await Promise.all([add(cookie, fields), add(cookie, fields)])
		const again = await add(cookie, fields)
		for (const { response } of [one, two, again]) {
			expect(response.status).toBe(302)
			// Back to the list it was posted from; the notice travels in the flash cookie, not the URL.
			expect(response.headers.get('location')).toBe('/tasks')
			const flash = response.headers.get('set-cookie') ?? ''
			expect(flash).toMatch(/^taskwell_flash=[^;]+;/)
			expect(flash).toMatch(/; HttpOnly/)
			expect(flash).toMatch(/; Max-Age=60/)
		}
		const { list, addKey: next } = await loadTasks(cookie)
		expect(list.items.map((item) => item.title)).toEqual(['Water the plants'])
		expect(next).not.toBe(addKey)
	})

	test('the key reused with other values is a form error and a fresh key; nothing is lost', async () => {
		const cookie = await signUp()
		const { addKey } = await loadTasks(cookie)
		expect((await add(cookie, { title: 'First', idempotencyKey: addKey })).response.status).toBe(302)
		const { response, data } = await add(cookie, { title: 'Second', idempotencyKey: addKey })
		expect(response.status).toBe(422)
		expect(data?.result?.error?.['']).toEqual([ADD_KEY_REUSED_MESSAGE])
		expect(data?.result?.initialValue).toMatchObject({ title: 'Second' })
		expect(data?.addKey).toMatch(/^[0-9a-f-]{36}$/)
		expect(data?.addKey).not.toBe(addKey)
		expect((await add(cookie, { title: 'Second', idempotencyKey: data!.addKey! })).response.status).toBe(302)
		expect((await loadTasks(cookie)).list.items.map((item) => item.title).sort()).toEqual(['First', 'Second'])
	})
})

describe('the account limits on the add form', () => {
	test('creating too fast: 429 with Retry-After, a clear form error, the input and the key kept', async () => {
		const cookie = await signUp()
		for (let i = 1; i <= LIMITS.createsPerMinute; i++) {
			expect((await add(cookie, { title: `Task ${i}`, idempotencyKey: crypto.randomUUID() })).response.status).toBe(302)
		}
		const idempotencyKey = crypto.randomUUID()
		const { response, data } = await add(cookie, { title: 'One more', notes: 'kept', idempotencyKey })
		expect(response.status).toBe(429)
		const retryAfter = Number(response.headers.get('retry-after'))
		expect(retryAfter).toBeGreaterThanOrEqual(1)
		expect(retryAfter).toBeLessThanOrEqual(60)
		expect(data?.result?.error?.['']).toEqual([
			`You are adding tasks too quickly. Try again in ${retryAfter} second${retryAfter === 1 ? '' : 's'}.`,
		])
		expect(data?.result?.initialValue).toMatchObject({ title: 'One more', notes: 'kept' })
		expect(data?.addKey).toBe(idempotencyKey)
		expect((await loadTasks(cookie)).list.items).toHaveLength(LIMITS.createsPerMinute)
	})

	test('at the cap: 422 with "You have reached the limit…" as the form error, the input kept', async () => {
		const cookie = await signUp()
		const userId = await userIdOf(cookie)
		await api.database.db.execute(
			sql`insert into task (user_id, title) select ${userId}, 'Old ' || n from generate_series(1, ${LIMITS.maxTasksPerUser}) as n`,
		)
		const { response, data } = await add(cookie, { title: 'Too many', idempotencyKey: crypto.randomUUID() })
		expect(response.status).toBe(422)
		expect(data?.result?.error?.['']).toEqual(['You have reached the limit of 5 tasks. Delete some to add new ones.'])
		expect(data?.result?.initialValue).toMatchObject({ title: 'Too many' })
		expect((await loadTasks(cookie)).list.items).toHaveLength(LIMITS.maxTasksPerUser)
	})
})
