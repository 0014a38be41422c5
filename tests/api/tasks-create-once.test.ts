/**
 * POST /v1/tasks over real HTTP on a real database: the Idempotency-Key
 * (a repeat answers the original task, concurrent duplicates leave one task,
 * a reuse with other fields is a 422, keys expire after 24 h) and the
 * per-account limits (cap → 422, rate → 429 with Retry-After; parallel
 * creates never pass them; a replay counts for neither).
 */
import { and, eq, sql } from 'drizzle-orm'
import { describe, expect, test } from 'vitest'
import type { Task } from '#common/tasks-contract.ts'
import { deleteExpiredRows } from '#server/cleanup.ts'
import { task, taskCreateRate, taskIdempotencyKey } from '#server/db/schema.ts'
import { call, startApi, startApiWithKey, type RunningApi } from './test-support.ts'

const { jwks, api, newUser } = await startApiWithKey()
/** Same database, small cap (3 tasks), generous rate. */
const cappedApi = await startApi({ jwksUrl: jwks.url, sharing: api, limits: { maxTasksPerUser: 3, createsPerMinute: 1000 } })
/** Same database, generous cap, small rate (3 a minute). */
const throttledApi = await startApi({ jwksUrl: jwks.url, sharing: api, limits: { maxTasksPerUser: 1000, createsPerMinute: 3 } })

function post(token: string, body: unknown, idempotencyKey?: string, target: RunningApi = api) {
	return call(target, 'POST', '/v1/tasks', {
		token,
		body,
		headers: idempotencyKey === undefined ? {} : { 'Idempotency-Key': idempotencyKey },
	})
}

async function rowsOf(sub: string) {
	return api.database.db.select().from(task).where(eq(task.userId, sub))
}

async function problemOf(response: Response, status: number) {
	expect(response.status, await response.clone().text()).toBe(status)
	expect(response.headers.get('content-type')).toBe('application/problem+json')
	return (await response.json()) as { status: number; detail?: string; errors?: Array<{ field: string; message: string }> }
}

describe('Idempotency-Key', () => {
	test('a repeat with the same key answers the same task (201, same id) and leaves one row', async () => {
		const { sub, token } = await newUser()
		const idempotencyKey = crypto.randomUUID()
		const first = await post(token, { title: 'Buy milk', priority: 'high' }, idempotencyKey)
		expect(first.status).toBe(201)
		expect(first.headers.get('idempotent-replayed')).toBeNull()
		const created = (await first.json()) as Task

		const again = await post(token, { title: 'Buy milk', priority: 'high' }, idempotencyKey)
		expect(again.status).toBe(201)
		expect(again.headers.get('idempotent-replayed')).toBe('true')
		expect(again.headers.get('location')).toBe(`/v1/tasks/${created.id}`)
		expect(await again.json()).toEqual(created)

		// The same fields written differently (spaces, explicit defaults) are the same request.
		const equivalent = await post(token, { title: '  Buy milk ', priority: 'high', notes: ' ', completed: false }, idempotencyKey)
		expect(equivalent.status).toBe(201)
		expect(((await equivalent.json()) as Task).id).toBe(created.id)

		expect(await rowsOf(sub)).toHaveLength(1)
	})

	test('the same key with other fields is a 422 and creates nothing', async () => {
		const { sub, token } = await newUser()
		const idempotencyKey = crypto.randomUUID()
		expect((await post(token, { title: 'Call mum' }, idempotencyKey)).status).toBe(201)
		const body = await problemOf(await post(token, { title: 'Call dad' }, idempotencyKey), 422)
		expect(body.detail).toMatch(/Idempotency-Key was already used with different fields/)
		expect(body.errors).toEqual([{ field: 'Idempotency-Key', message: 'was already used with different fields' }])
		expect((await rowsOf(sub)).map((row) => row.title)).toEqual(['Call mum'])
	})

	test('parallel requests with the same key create one task and all answer it', async () => {
		const { sub, token } = await newUser()
		const idempotencyKey = crypto.randomUUID()
		const responses = await Promise.all(Array.from({ length: 12 }, () => post(token, { title: 'Once' }, idempotencyKey)))
		expect(responses.map((response) => response.status)).toEqual(Array(12).fill(201))
		const ids = new Set(await Promise.all(responses.map(async (response) => ((await response.json()) as Task).id)))
		expect(ids.size).toBe(1)
		expect(responses.filter((response) => response.headers.get('idempotent-replayed') === 'true')).toHaveLength(11)
		expect(await rowsOf(sub)).toHaveLength(1)
	})

	test('another user’s same key is independent', async () => {
		const alice = await newUser()
		const bob = await newUser()
		const idempotencyKey = crypto.randomUUID()
		const forAlice = (await (await post(alice.token, { title: 'Alice’s' }, idempotencyKey)).json()) as Task
		const bobAnswer = await post(bob.token, { title: 'Bob’s' }, idempotencyKey)
		expect(bobAnswer.status).toBe(201)
		expect(bobAnswer.headers.get('idempotent-replayed')).toBeNull()
		const forBob = (await bobAnswer.json()) as Task
		expect(forBob.id).not.toBe(forAlice.id)
		expect(forBob.title).toBe('Bob’s')
		expect(await rowsOf(alice.sub)).toHaveLength(1)
		expect(await rowsOf(bob.sub)).toHaveLength(1)
	})

	test('without the header every POST creates a task (as before)', async () => {
		const { sub, token } = await newUser()
		expect((await post(token, { title: 'Same' })).status).toBe(201)
		expect((await post(token, { title: 'Same' })).status).toBe(201)
		expect(await rowsOf(sub)).toHaveLength(2)
	})

	test('a malformed key is a 422 naming the header, and creates nothing', async () => {
		const { sub, token } = await newUser()
		for (const bad of ['', 'x'.repeat(256), 'caf\u00e9']) {
			const body = await problemOf(await post(token, { title: 'Nope' }, bad), 422)
			expect(body.errors?.map((error) => error.field)).toEqual(['Idempotency-Key'])
		}
		expect(await rowsOf(sub)).toHaveLength(0)
		// Printable ASCII with inner spaces, up to 255 characters, is fine.
		expect((await post(token, { title: 'Yes' }, `a b:${'y'.repeat(251)}`)).status).toBe(201)
	})

	test('a key older than 24 hours is forgotten: the same key creates a new task', async () => {
		const { sub, token } = await newUser()
		const idempotencyKey = crypto.randomUUID()
		const first = (await (await post(token, { title: 'Weekly' }, idempotencyKey)).json()) as Task
		await api.database.db
			.update(taskIdempotencyKey)
			.set({ expiresAt: sql`now() - interval '1 second'` })
			.where(and(eq(taskIdempotencyKey.userId, sub), eq(taskIdempotencyKey.key, idempotencyKey)))
		const second = await post(token, { title: 'Weekly, again' }, idempotencyKey)
		expect(second.status).toBe(201)
		expect(((await second.json()) as Task).id).not.toBe(first.id)
		expect(await rowsOf(sub)).toHaveLength(2)
		// And the fresh claim is remembered again.
		expect((await post(token, { title: 'Weekly, again' }, idempotencyKey)).headers.get('idempotent-replayed')).toBe('true')
	})

	test('keys are stored for 24 hours; the cleanup deletes expired keys and finished counters only', async () => {
		const { sub, token } = await newUser()
		const live = crypto.randomUUID()
		const old = crypto.randomUUID()
		await post(token, { title: 'Live' }, live)
		await post(token, { title: 'Old' }, old)
		const [stored] = await api.database.db
			.select({
				hours: sql<number>`round(extract(epoch from ${taskIdempotencyKey.expiresAt} - ${taskIdempotencyKey.createdAt}) / 3600)::int`,
			})
			.from(taskIdempotencyKey)
			.where(and(eq(taskIdempotencyKey.userId, sub), eq(taskIdempotencyKey.key, live)))
		expect(Number(stored?.hours)).toBe(24)
		await api.database.db
			.update(taskIdempotencyKey)
			.set({ expiresAt: sql`now() - interval '1 second'` })
			.where(and(eq(taskIdempotencyKey.userId, sub), eq(taskIdempotencyKey.key, old)))
		const finished = `finished-${crypto.randomUUID()}`
		await api.database.db.insert(taskCreateRate).values({ userId: finished, count: 5, windowEndsAt: sql`now() - interval '1 second'` })

		const counts = (await deleteExpiredRows(api.database.db))?.counts
		expect(counts?.idempotencyKeys).toBeGreaterThanOrEqual(1)
		expect(counts?.createCounters).toBeGreaterThanOrEqual(1)
		const keys = await api.database.db
			.select({ key: taskIdempotencyKey.key })
			.from(taskIdempotencyKey)
			.where(eq(taskIdempotencyKey.userId, sub))
		expect(keys.map((row) => row.key)).toEqual([live])
		expect(await api.database.db.select().from(taskCreateRate).where(eq(taskCreateRate.userId, finished))).toEqual([])
		expect(await api.database.db.select().from(taskCreateRate).where(eq(taskCreateRate.userId, sub))).toHaveLength(1)
	})

	test('the OpenAPI document describes the header, the replay and the 429', async () => {
		const document = (await (await call(api, 'GET', '/openapi.json')).json()) as {
			paths: Record<
				string,
				Record<
					string,
					{
						parameters?: Array<{ name: string; in: string; required?: boolean; schema: { maxLength?: number } }>
						responses: Record<string, { headers?: Record<string, unknown> }>
					}
				>
			>
		}
		const operation = document.paths['/v1/tasks']!.post!
		const parameter = operation.parameters?.find((entry) => entry.in === 'header' && entry.name === 'Idempotency-Key')
		expect(parameter).toMatchObject({ in: 'header', required: false, schema: { maxLength: 255 } })
		expect(operation.responses['201']?.headers).toHaveProperty('Idempotent-Replayed')
		expect(operation.responses['429']?.headers).toHaveProperty('Retry-After')
	})
})

describe('limits per account', () => {
	test('the cap (TASKS_MAX_PER_USER): a create beyond it is a clear 422; a replay still answers', async () => {
		const { sub, token } = await newUser()
		const keys = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()]
		for (const [index, idempotencyKey] of keys.entries()) {
			expect((await post(token, { title: `Task ${index}` }, idempotencyKey, cappedApi)).status).toBe(201)
		}
		const body = await problemOf(await post(token, { title: 'One too many' }, crypto.randomUUID(), cappedApi), 422)
		expect(body.detail).toBe('You have reached the limit of 3 tasks. Delete some to add new ones.')
		expect(body.errors).toEqual([{ field: '', message: body.detail }])
		expect(await rowsOf(sub)).toHaveLength(3)

		// A repeat of an earlier key is not a new task.
		const replay = await post(token, { title: 'Task 1' }, keys[1], cappedApi)
		expect(replay.status).toBe(201)
		expect(replay.headers.get('idempotent-replayed')).toBe('true')

		// Room again after a delete; the refused key was not used up.
		const [first] = await rowsOf(sub)
		expect((await call(cappedApi, 'DELETE', `/v1/tasks/${first!.id}`, { token })).status).toBe(204)
		expect((await post(token, { title: 'Fits now' }, undefined, cappedApi)).status).toBe(201)
	})

	test('the default cap is 10,000 tasks', async () => {
		const { sub, token } = await newUser()
		await api.database.db.execute(sql`insert into task (user_id, title) select ${sub}, 'Bulk ' || n from generate_series(1, 10000) as n`)
		const body = await problemOf(await post(token, { title: 'Ten thousand and one' }), 422)
		expect(body.detail).toBe('You have reached the limit of 10,000 tasks. Delete some to add new ones.')
	})

	test('the rate (TASKS_CREATES_PER_MINUTE): beyond it a 429 with Retry-After; replays do not count', async () => {
		const { sub, token } = await newUser()
		const idempotencyKey = crypto.randomUUID()
		expect((await post(token, { title: 'One' }, idempotencyKey, throttledApi)).status).toBe(201)
		for (let i = 0; i < 3; i++) {
			expect((await post(token, { title: 'One' }, idempotencyKey, throttledApi)).headers.get('idempotent-replayed')).toBe('true')
		}
		expect((await post(token, { title: 'Two' }, undefined, throttledApi)).status).toBe(201)
		expect((await post(token, { title: 'Three' }, undefined, throttledApi)).status).toBe(201)
		const refused = await post(token, { title: 'Four' }, crypto.randomUUID(), throttledApi)
		const body = await problemOf(refused, 429)
		const retryAfter = Number(refused.headers.get('retry-after'))
		expect(Number.isInteger(retryAfter)).toBe(true)
		expect(retryAfter).toBeGreaterThanOrEqual(1)
		expect(retryAfter).toBeLessThanOrEqual(60)
		expect(body.detail).toMatch(/^Too many tasks created: at most 3 a minute\. Try again in \d+ seconds?\.$/)
		expect(await rowsOf(sub)).toHaveLength(3)
		// Another account is not affected.
		const other = await newUser()
		expect((await post(other.token, { title: 'Mine' }, undefined, throttledApi)).status).toBe(201)
	})

	test('parallel creates never pass the cap', async () => {
		const { sub, token } = await newUser()
		const responses = await Promise.all(
			Array.from({ length: 12 }, (_, i) => post(token, { title: `P${i}` }, crypto.randomUUID(), cappedApi)),
		)
		const statuses = responses.map((response) => response.status).sort()
		expect(statuses.filter((status) => status === 201)).toHaveLength(3)
		expect(statuses.filter((status) => status === 422)).toHaveLength(9)
		expect(await rowsOf(sub)).toHaveLength(3)
	})

	test('parallel creates never pass the rate', async () => {
		const { sub, token } = await newUser()
		const responses = await Promise.all(Array.from({ length: 12 }, (_, i) => post(token, { title: `R${i}` }, undefined, throttledApi)))
		const statuses = responses.map((response) => response.status)
		expect(statuses.filter((status) => status === 201)).toHaveLength(3)
		expect(statuses.filter((status) => status === 429)).toHaveLength(9)
		expect(await rowsOf(sub)).toHaveLength(3)
	})
})
