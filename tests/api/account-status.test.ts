/**
 * Account suspension (issue 22) over real HTTP on a real database: the app
 * suspends an account with PUT /v1/me/status and a token it mints for the
 * purpose (scope account:status); every instance then refuses that
 * account's calls within 1 s, with any token issued before the suspension
 * for good. And a token minted while an admin acts as the user (an RFC 8693
 * act claim) puts both on the request's log line.
 */
import { inArray, sql } from 'drizzle-orm'
import { describe, expect, test } from 'vitest'
import { ACCOUNT_DELETE_SCOPE, ACCOUNT_STATUS_REFUSAL, ACCOUNT_STATUS_SCOPE, ACCOUNT_SUSPENDED_DETAIL } from '#common/accounts-contract.ts'
import { ACCOUNT_BLOCKS_MAX_AGE_MS, createAccountBlocks, type AccountBlocks } from '#server/auth/account-blocks.ts'
import { deleteExpiredRows } from '#server/cleanup.ts'
import { accountStatus } from '#server/db/schema.ts'
import type { TasksDb } from '#server/tasks/repository.ts'
import { call, signToken, startApi, startApiWithKey, type RunningApi } from './test-support.ts'

const { key, jwks, api, newUser } = await startApiWithKey()

/** One snapshot age, and a little: timers may fire a millisecond early. */
const SNAPSHOT_AGE_MS = ACCOUNT_BLOCKS_MAX_AGE_MS + 10
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
/** Waits until performance.now() reaches `at`. */
const sleepUntil = (at: number) => sleep(Math.max(0, at - performance.now()))
/**
 * Waits until the wall clock is in the second after `wallMs`: a token minted then has an `iat` (whole seconds) after it.
 * 20 ms more: a timer may fire a millisecond early, and a token minted at 11:59:59.999 is issued at 11:59:59.
 */
const sleepPastSecondOf = (wallMs: number) => sleep(Math.max(0, (Math.floor(wallMs / 1000) + 1) * 1000 + 20 - Date.now()))

/** The token the app mints to change an account's status. */
const statusToken = (sub: string, scope: unknown = ACCOUNT_STATUS_SCOPE) => signToken(key, { sub, scope })

/** PUT /v1/me/status through `on`: 204. Returns when it answered (performance.now()) and the wall clock then. */
async function setStatus(sub: string, suspendedUntil: string | null, on: RunningApi = api) {
	const response = await call(on, 'PUT', '/v1/me/status', { token: await statusToken(sub), body: { suspendedUntil } })
	expect(response.status, await response.clone().text()).toBe(204)
	expect(await response.text()).toBe('')
	return { at: performance.now(), wall: Date.now() }
}

const listWith = (token: string, on: RunningApi = api) => call(on, 'GET', '/v1/tasks', { token })

async function expectSuspended(response: Response) {
	expect(response.status).toBe(401)
	expect(response.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"')
	expect(response.headers.get('content-type')).toBe('application/problem+json')
	expect(await response.json()).toEqual({ type: 'about:blank', title: 'Unauthorized', status: 401, detail: ACCOUNT_SUSPENDED_DETAIL })
}

/**
 * Asks with `token` until it is refused: every request sent 1 s or more
 * after `since` must be. Returns how long after `since` the refusal came.
 */
async function refusedWithinOneSecond(token: string, since: number, on: RunningApi = api): Promise<number> {
	for (;;) {
		const sentAfter = performance.now() - since
		const response = await listWith(token, on)
		if (response.status === 401) {
			await expectSuspended(response)
			return sentAfter
		}
		expect(response.status).toBe(200)
		expect(sentAfter, 'a request sent 1 s after the suspension was let through').toBeLessThan(1_000)
		await sleep(20)
	}
}

async function expectProblem(response: Response, status: number) {
	expect(response.status).toBe(status)
	expect(response.headers.get('content-type')).toBe('application/problem+json')
	return (await response.json()) as { status: number; detail?: string; errors?: Array<{ field: string; message: string }> }
}

describe('suspending and lifting', () => {
	test('"forever": the earlier token is refused within 1 s, so is a fresh one; after the lift new tokens work, earlier ones never', async () => {
		const { sub, token: before } = await newUser()
		expect((await listWith(before)).status).toBe(200)

		const suspended = await setStatus(sub, 'forever')
		await refusedWithinOneSecond(before, suspended.at)
		// From one snapshot age on, every request is refused: no luck involved.
		await sleepUntil(suspended.at + SNAPSHOT_AGE_MS)
		await expectSuspended(await listWith(before))
		const fresh = await signToken(key, { sub })
		await expectSuspended(await listWith(fresh))
		// Every other route, the status token itself included, and whatever the body.
		for (const [method, path, body] of [
			['POST', '/v1/tasks', { title: 'x' }],
			['GET', `/v1/tasks/${crypto.randomUUID()}`, undefined],
			['DELETE', '/v1/me/tasks', undefined],
			['GET', '/v1/me/workspaces', undefined],
			['POST', '/v1/workspaces', { id: 'not a uuid' }],
		] as const) {
			await expectSuspended(await call(api, method, path, { token: fresh, body }))
		}
		await expectSuspended(await listWith(await statusToken(sub)))
		// Someone else is not affected.
		expect((await listWith((await newUser()).token)).status).toBe(200)
		const line = api.logs.findLast((entry) => entry.userId === sub && entry.status === 401)
		expect(line).toMatchObject({ method: 'GET', route: '/v1/tasks' })

		// Lifted: tokens minted after it work (their iat, whole seconds, must follow the suspension's instant).
		await sleepPastSecondOf(suspended.wall)
		const lifted = await setStatus(sub, null)
		await sleepUntil(lifted.at + SNAPSHOT_AGE_MS)
		expect((await listWith(await signToken(key, { sub }))).status).toBe(200)
		// A token issued before the suspension stays refused, even now.
		await expectSuspended(await listWith(before))
		// Lifting again, or lifting an account never suspended, changes nothing.
		await setStatus(sub, null)
		await setStatus(`never-${crypto.randomUUID()}`, null)
	})

	test('until a time: it lifts itself when that time passes', async () => {
		const { sub, token: before } = await newUser()
		const until = Date.now() + 2_500
		const suspended = await setStatus(sub, new Date(until).toISOString())
		await sleepUntil(suspended.at + SNAPSHOT_AGE_MS)
		const during = await signToken(key, { sub })
		const asked = Date.now()
		const response = await listWith(during)
		if (asked < until) await expectSuspended(response)
		await sleep(Math.max(0, until - Date.now()) + 50)
		expect((await listWith(await signToken(key, { sub }))).status).toBe(200)
		// Not the token from before the suspension.
		await expectSuspended(await listWith(before))
	})

	test('an end in the past: not suspended, yet every earlier token is refused', async () => {
		const { sub, token: before } = await newUser()
		const changed = await setStatus(sub, '2020-01-01T00:00:00+02:00')
		await sleepUntil(changed.at + SNAPSHOT_AGE_MS)
		await expectSuspended(await listWith(before))
		await sleepPastSecondOf(changed.wall)
		expect((await listWith(await signToken(key, { sub }))).status).toBe(200)
	})

	test('suspending again moves the cut-off: tokens minted between the two suspensions are refused after the second', async () => {
		const { sub } = await newUser()
		const first = await setStatus(sub, 'forever')
		await sleepPastSecondOf(first.wall)
		await setStatus(sub, null)
		const between = await signToken(key, { sub })
		const lifted = performance.now()
		await sleepUntil(lifted + SNAPSHOT_AGE_MS)
		expect((await listWith(between)).status).toBe(200)
		await sleepPastSecondOf(Date.now())
		const second = await setStatus(sub, new Date(Date.now() + 60_000).toISOString())
		await setStatus(sub, null)
		await sleepUntil(second.at + SNAPSHOT_AGE_MS)
		await expectSuspended(await listWith(between))
	})
})

describe('deleting a suspended account (an admin)', () => {
	test('DELETE /v1/me/tasks passes the suspension with the account:delete scope, and nothing else does', async () => {
		const { sub, token } = await newUser()
		expect((await call(api, 'POST', '/v1/tasks', { token, body: { title: 'Left behind' } })).status).toBe(201)
		const { wall } = await setStatus(sub, 'forever')
		await sleepPastSecondOf(wall)
		await sleep(SNAPSHOT_AGE_MS)
		// A token with the scope may delete the tasks; it may not read them, and a plain token may do neither.
		const deleting = await signToken(key, { sub, scope: ACCOUNT_DELETE_SCOPE, act: { sub: 'an-admin' } })
		await expectSuspended(await listWith(deleting))
		await expectSuspended(await call(api, 'DELETE', '/v1/me/tasks', { token: await signToken(key, { sub }) }))
		expect((await call(api, 'DELETE', '/v1/me/tasks', { token: deleting })).status).toBe(204)
		// Gone: after the lift, the list is empty.
		await setStatus(sub, null)
		await sleepPastSecondOf(Date.now())
		await sleep(SNAPSHOT_AGE_MS)
		const after = await listWith(await signToken(key, { sub }))
		expect(after.status).toBe(200)
		expect(((await after.json()) as { items: unknown[] }).items).toEqual([])
	})
})

describe('every instance', () => {
	test('a suspension through one instance is refused by another within 1 s, and so is the lift', async () => {
		const other = await startApi({ jwksUrl: jwks.url, sharing: api })
		try {
			const { sub, token } = await newUser()
			expect((await listWith(token, other)).status).toBe(200)
			const suspended = await setStatus(sub, 'forever', api)
			await refusedWithinOneSecond(token, suspended.at, other)
			await sleepUntil(suspended.at + SNAPSHOT_AGE_MS)
			await expectSuspended(await listWith(token, other))

			await sleepPastSecondOf(suspended.wall)
			const lifted = await setStatus(sub, null, other)
			await sleepUntil(lifted.at + SNAPSHOT_AGE_MS)
			expect((await listWith(await signToken(key, { sub }), api)).status).toBe(200)
		} finally {
			await other.close()
		}
	})

	test('the snapshot’s maximum age is the bound: 100 ms refuses after 100 ms; a minute lets the old snapshot answer', async () => {
		const quick = await startApi({ jwksUrl: jwks.url, sharing: api, accountBlocksMaxAgeMs: 100 })
		const lagging = await startApi({ jwksUrl: jwks.url, sharing: api, accountBlocksMaxAgeMs: 60_000 })
		try {
			const { sub, token } = await newUser()
			expect((await listWith(token, quick)).status).toBe(200)
			expect((await listWith(token, lagging)).status).toBe(200)
			const suspended = await setStatus(sub, 'forever')
			await sleepUntil(suspended.at + 110)
			await expectSuspended(await listWith(token, quick))
			// The lagging instance reuses the snapshot it read before: no query per request.
			expect((await listWith(token, lagging)).status).toBe(200)
		} finally {
			await quick.close()
			await lagging.close()
		}
	})

	test('the statuses cannot be read: 503 with Retry-After, never let through', async () => {
		const { token } = await newUser()
		const broken = await startApi({ jwksUrl: jwks.url, sharing: api })
		await api.database.db.execute(sql`alter table account_status rename to account_status_away`)
		try {
			const response = await listWith(token, broken)
			const body = await expectProblem(response, 503)
			expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0)
			expect(JSON.stringify(body)).not.toMatch(/account_status|relation|select/i)
			expect(broken.logs.some((line) => line.msg === 'cannot read the account statuses')).toBe(true)
		} finally {
			await api.database.db.execute(sql`alter table account_status_away rename to account_status`)
		}
		// A failed read is not kept: the next request reads again.
		expect((await listWith(token, broken)).status).toBe(200)
		await broken.close()
	})
})

describe('PUT /v1/me/status', () => {
	test('only a token whose scope holds account:status may call it: 403 otherwise, before the body is looked at', async () => {
		const { sub, token } = await newUser()
		for (const body of [{ suspendedUntil: 'forever' }, { nonsense: true }]) {
			const refused = await expectProblem(await call(api, 'PUT', '/v1/me/status', { token, body }), 403)
			expect(refused.detail).toBe(ACCOUNT_STATUS_REFUSAL)
		}
		for (const scope of ['tasks', 'account:status:extra', 'account', [ACCOUNT_STATUS_SCOPE], '']) {
			const response = await call(api, 'PUT', '/v1/me/status', {
				token: await statusToken(sub, scope),
				body: { suspendedUntil: 'forever' },
			})
			expect(response.status, JSON.stringify(scope)).toBe(403)
		}
		await sleep(SNAPSHOT_AGE_MS)
		expect((await listWith(token)).status).toBe(200)
		// One scope among others (space-separated) is enough.
		const response = await call(api, 'PUT', '/v1/me/status', {
			token: await statusToken(sub, `openid ${ACCOUNT_STATUS_SCOPE} tasks`),
			body: { suspendedUntil: null },
		})
		expect(response.status).toBe(204)
	})

	test('bad bodies: 422 naming the field; malformed JSON 400; no token 401; other methods 405', async () => {
		const { sub } = await newUser()
		const token = await statusToken(sub)
		for (const suspendedUntil of ['tomorrow', 5, '2030-01-01', '2030-01-01T00:00:00', 'FOREVER', '0000-01-01T00:00:00Z', true, {}]) {
			const body = await expectProblem(await call(api, 'PUT', '/v1/me/status', { token, body: { suspendedUntil } }), 422)
			expect(body.errors, JSON.stringify(suspendedUntil)).toEqual([
				{ field: 'suspendedUntil', message: 'must be a date and time (ISO 8601), "forever" or null' },
			])
		}
		expect((await expectProblem(await call(api, 'PUT', '/v1/me/status', { token, body: {} }), 422)).errors).toEqual([
			{ field: 'suspendedUntil', message: 'must be a date and time (ISO 8601), "forever" or null' },
		])
		const extra = await call(api, 'PUT', '/v1/me/status', { token, body: { suspendedUntil: null, reason: 'spam' } })
		expect((await expectProblem(extra, 422)).errors).toEqual([{ field: 'reason', message: 'is not a known field' }])
		for (const body of ['[]', '"forever"', 'null']) {
			await expectProblem(await call(api, 'PUT', '/v1/me/status', { token, body }), 422)
		}
		await expectProblem(await call(api, 'PUT', '/v1/me/status', { token, body: '{' }), 400)
		const typed = { token, body: '{"suspendedUntil":"forever"}', headers: { 'content-type': 'text/plain' } }
		await expectProblem(await call(api, 'PUT', '/v1/me/status', typed), 415)
		const anonymous = await call(api, 'PUT', '/v1/me/status', { body: { suspendedUntil: 'forever' } })
		await expectProblem(anonymous, 401)
		expect(anonymous.headers.get('www-authenticate')).toBe('Bearer')
		for (const method of ['GET', 'POST', 'DELETE']) {
			const response = await call(api, method, '/v1/me/status', { token })
			await expectProblem(response, 405)
			expect(response.headers.get('allow')).toBe('PUT')
		}
		// Nothing was suspended by any of these.
		expect(
			await api.database.db
				.select()
				.from(accountStatus)
				.where(inArray(accountStatus.userId, [sub])),
		).toEqual([])
	})

	test('the OpenAPI document describes it', async () => {
		const document = (await (await call(api, 'GET', '/openapi.json')).json()) as {
			paths: Record<string, Record<string, { responses: Record<string, unknown>; security?: unknown }>>
			components: { schemas: Record<string, unknown> }
		}
		expect(Object.keys(document.paths['/v1/me/status']!)).toEqual(['put'])
		expect(Object.keys(document.paths['/v1/me/status']!.put!.responses).sort()).toEqual(['204', '401', '403', '422', '503'])
		expect(document.components.schemas).toHaveProperty('AccountStatusInput')
	})
})

describe('an admin acting as the user (act claim, RFC 8693)', () => {
	test('the request log line records the actor beside the user, and never the token', async () => {
		const { sub } = await newUser()
		const token = await signToken(key, { sub, act: { sub: 'admin-id' } })
		const response = await call(api, 'GET', '/v1/tasks', { token, headers: { 'x-request-id': 'acting-1' } })
		expect(response.status).toBe(200)
		expect(api.logs.find((line) => line.requestId === 'acting-1')).toMatchObject({
			userId: sub,
			actorId: 'admin-id',
			route: '/v1/tasks',
			status: 200,
		})
		// A nested act (a chain of actors) names the current actor, its outer sub.
		const chained = await signToken(key, { sub, act: { sub: 'admin-2', act: { sub: 'admin-1' } } })
		await call(api, 'GET', '/v1/tasks', { token: chained, headers: { 'x-request-id': 'acting-2' } })
		expect(api.logs.find((line) => line.requestId === 'acting-2')).toMatchObject({ userId: sub, actorId: 'admin-2' })
		const text = JSON.stringify(api.logs)
		for (const part of [...token.split('.'), ...chained.split('.')]) expect(text).not.toContain(part)
	})

	test('no act, or one without a usable sub: no actorId, and the token still works', async () => {
		const { sub } = await newUser()
		for (const [index, act] of [undefined, 'admin-id', { sub: 42 }, { sub: '' }, { sub: 'x'.repeat(256) }, ['admin-id'], null].entries()) {
			const token = await signToken(key, act === undefined ? { sub } : { sub, act })
			const requestId = `not-acting-${index}`
			expect((await call(api, 'GET', '/v1/tasks', { token, headers: { 'x-request-id': requestId } })).status).toBe(200)
			const line = api.logs.find((entry) => entry.requestId === requestId)
			expect(line).toMatchObject({ userId: sub })
			expect(line).not.toHaveProperty('actorId')
		}
	})
})

describe('cleanup', () => {
	test('deletes the statuses that refuse nothing any more, keeps the others', async () => {
		const db = api.database.db
		const id = (name: string) => `cleanup-${name}-${crypto.randomUUID()}`
		const gone = { lifted: id('lifted'), ended: id('ended'), empty: id('empty') }
		const kept = { forever: id('forever'), later: id('later'), recent: id('recent') }
		await db.insert(accountStatus).values([
			{ userId: gone.lifted, suspendedUntil: null, tokensValidAfter: sql`now() - interval '2 days'` },
			{ userId: gone.ended, suspendedUntil: sql`now() - interval '1 day'`, tokensValidAfter: sql`now() - interval '3 days'` },
			{ userId: gone.empty, suspendedUntil: null, tokensValidAfter: null },
			{ userId: kept.forever, suspendedUntil: sql`'infinity'::timestamptz`, tokensValidAfter: sql`now() - interval '30 days'` },
			{ userId: kept.later, suspendedUntil: sql`now() + interval '1 hour'`, tokensValidAfter: sql`now() - interval '2 days'` },
			{ userId: kept.recent, suspendedUntil: null, tokensValidAfter: sql`now() - interval '1 hour'` },
		])
		const counts = (await deleteExpiredRows(db))?.counts
		expect(counts?.accountStatuses).toBeGreaterThanOrEqual(3)
		const left = await db
			.select({ userId: accountStatus.userId })
			.from(accountStatus)
			.where(inArray(accountStatus.userId, [...Object.values(gone), ...Object.values(kept)]))
		expect(left.map((row) => row.userId).sort()).toEqual(Object.values(kept).sort())
	})
})

describe('the snapshot (createAccountBlocks), query by query', () => {
	/** A database whose snapshot queries the test answers (or fails) one by one. */
	function scriptedDatabase() {
		const queries: Array<{ answer(rows: unknown[]): void; fail(error: Error): void }> = []
		const execute = () =>
			new Promise<unknown[]>((resolve, reject) => {
				queries.push({ answer: resolve, fail: reject })
			})
		// One statement: the statuses' select, UNION ALL the revoked tokens' (whose own builder is never executed alone).
		const union = { prepare: () => ({ execute }) }
		const db = { select: () => ({ from: () => ({ where: () => ({ unionAll: () => union }) }) }) } as unknown as TasksDb
		return { db, queries }
	}
	const nowSeconds = () => Math.floor(Date.now() / 1000)
	/** True when `userId`'s token issued at `issuedAt` is refused as suspended. */
	const suspends = async (blocks: AccountBlocks, userId: string, issuedAt: number) => {
		const refusal = await blocks.refusal({ userId, issuedAt })
		expect(refusal === null || refusal === 'suspended').toBe(true)
		return refusal === 'suspended'
	}

	test('concurrent requests share one query; a snapshot is reused while its query started less than maxAgeMs ago', async () => {
		const { db, queries } = scriptedDatabase()
		const blocks = createAccountBlocks(db, { maxAgeMs: 200 })
		const answers = [suspends(blocks, 'a', nowSeconds()), suspends(blocks, 'b', nowSeconds()), suspends(blocks, 'c', nowSeconds())]
		expect(queries).toHaveLength(1)
		queries[0]!.answer([{ userId: 'a', suspendedUntil: 'Infinity', tokensValidAfter: String(Date.now()) }])
		expect(await Promise.all(answers)).toEqual([true, false, false])
		expect(await suspends(blocks, 'a', nowSeconds())).toBe(true)
		expect(queries).toHaveLength(1)
		await sleep(210)
		const later = suspends(blocks, 'a', nowSeconds())
		expect(queries).toHaveLength(2)
		queries[1]!.answer([])
		expect(await later).toBe(false)
	})

	test('a query in flight for maxAgeMs or longer is not joined: a new one starts', async () => {
		const { db, queries } = scriptedDatabase()
		const blocks = createAccountBlocks(db, { maxAgeMs: 100 })
		const early = suspends(blocks, 'a', nowSeconds())
		await sleep(110)
		const late = suspends(blocks, 'a', nowSeconds())
		expect(queries).toHaveLength(2)
		queries[1]!.answer([{ userId: 'a', suspendedUntil: 'Infinity', tokensValidAfter: null }])
		expect(await late).toBe(true)
		// The older query answering last does not replace the newer snapshot.
		queries[0]!.answer([])
		expect(await early).toBe(false)
		expect(await suspends(blocks, 'a', nowSeconds())).toBe(true)
		expect(queries).toHaveLength(2)
	})

	test('a failed query fails its waiters and is not kept', async () => {
		const { db, queries } = scriptedDatabase()
		const blocks = createAccountBlocks(db, { maxAgeMs: 60_000 })
		const waiting = [suspends(blocks, 'a', nowSeconds()), suspends(blocks, 'b', nowSeconds())]
		queries[0]!.fail(new Error('connection lost'))
		for (const answer of waiting) await expect(answer).rejects.toThrow('connection lost')
		const next = suspends(blocks, 'a', nowSeconds())
		expect(queries).toHaveLength(2)
		queries[1]!.answer([])
		expect(await next).toBe(false)
	})

	test('refused: suspended until later, or a token issued before tokens_valid_after', async () => {
		const { db, queries } = scriptedDatabase()
		const blocks = createAccountBlocks(db, { maxAgeMs: 60_000 })
		const now = Date.now()
		const pending = suspends(blocks, 'nobody', nowSeconds())
		queries[0]!.answer([
			{ userId: 'later', suspendedUntil: now + 60_000, tokensValidAfter: now - 1_000 },
			{ userId: 'ended', suspendedUntil: String(now - 1_000), tokensValidAfter: '1700000000250.000' },
		])
		expect(await pending).toBe(false)
		expect(await suspends(blocks, 'later', Math.floor(now / 1000) + 5)).toBe(true)
		// Ended: tokens issued after the cut-off pass; earlier ones never, nor one of the same second (iat is whole seconds).
		expect(await suspends(blocks, 'ended', 1_700_000_001)).toBe(false)
		expect(await suspends(blocks, 'ended', 1_700_000_000)).toBe(true)
		expect(await suspends(blocks, 'ended', 1_699_999_000)).toBe(true)
	})

	test('revoked access tokens come in the same rows: a tid among them is refused before a suspension; exempt routes check only that', async () => {
		const { db, queries } = scriptedDatabase()
		const blocks = createAccountBlocks(db, { maxAgeMs: 60_000 })
		const issuedAt = nowSeconds()
		const pending = blocks.refusal({ userId: 'nobody', issuedAt, tokenId: 'tid-1' })
		queries[0]!.answer([
			{ userId: 'holder', tokenId: 'tid-1', suspendedUntil: null, tokensValidAfter: null },
			{ userId: 'suspended', tokenId: null, suspendedUntil: 'Infinity', tokensValidAfter: null },
			{ userId: 'suspended', tokenId: 'tid-2', suspendedUntil: null, tokensValidAfter: null },
		])
		// By its id alone, whoever presents it.
		expect(await pending).toBe('revoked')
		expect(await blocks.refusal({ userId: 'holder', issuedAt, tokenId: 'tid-1' })).toBe('revoked')
		expect(await blocks.refusal({ userId: 'holder', issuedAt, tokenId: 'tid-3' })).toBe(null)
		// The revoked token's account is not suspended by it; its other tokens pass.
		expect(await blocks.refusal({ userId: 'holder', issuedAt })).toBe(null)
		expect(await blocks.refusal({ userId: 'suspended', issuedAt, tokenId: 'tid-2' })).toBe('revoked')
		expect(await blocks.refusal({ userId: 'suspended', issuedAt, tokenId: 'tid-3' })).toBe('suspended')
		expect(await blocks.refusal({ userId: 'suspended', issuedAt, tokenId: 'tid-3' }, { suspension: false })).toBe(null)
		expect(await blocks.refusal({ userId: 'suspended', issuedAt, tokenId: 'tid-2' }, { suspension: false })).toBe('revoked')
		expect(queries).toHaveLength(1)
	})
})
