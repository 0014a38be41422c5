import { eq, sql } from 'drizzle-orm'
import { afterAll, expect, test } from 'vitest'
import { onTestDatabaseTeardown } from '#tests/support/fresh-database.ts'
import { deleteExpiredRows } from './cleanup.server.ts'
import { database, db } from './db.server.ts'
import { authEvent, authThrottle, rateLimit, session, user, verification } from './db/schema.ts'

onTestDatabaseTeardown(() => database.close())
afterAll(() => {})

test('deletes expired sessions, verification rows, throttle counters, stale rate limits and security events older than 90 days, and nothing else', async () => {
	await db.insert(user).values({ id: 'u1', name: 'U', email: 'u1@example.com' })
	const past = sql`now() - interval '1 minute'`
	const future = sql`now() + interval '1 hour'`
	await db.insert(session).values([
		{ id: 's-old', token: 't-old', userId: 'u1', expiresAt: past },
		{ id: 's-live', token: 't-live', userId: 'u1', expiresAt: future },
	])
	await db.insert(verification).values([
		{ id: 'v-old', identifier: 'reset-password:a', value: 'u1', expiresAt: past },
		{ id: 'v-live', identifier: 'reset-password:b', value: 'u1', expiresAt: future },
	])
	await db.insert(authThrottle).values([
		{ key: 'old', count: 3, windowEndsAt: past },
		{ key: 'live', count: 3, windowEndsAt: future },
	])
	await db.insert(rateLimit).values([
		{ id: 'r-old', key: 'old', count: 1, lastRequest: Date.now() - 2 * 24 * 3600 * 1000 },
		{ id: 'r-live', key: 'live', count: 1, lastRequest: Date.now() },
	])

	await db.insert(authEvent).values([
		{ id: 'e-old', userId: 'u1', type: 'sign-in', createdAt: sql`now() - interval '91 days'` },
		{ id: 'e-live', userId: 'u1', type: 'sign-in', createdAt: sql`now() - interval '89 days'` },
	])

	const [first, second] = await Promise.all([deleteExpiredRows(), deleteExpiredRows()])
	// Two instances at once: one does the work, the other skips (or finds nothing).
	const done = [first, second].filter(Boolean)
	expect(done.length).toBeGreaterThanOrEqual(1)
	const total = (key: 'sessions' | 'verifications' | 'throttles' | 'rateLimits' | 'securityEvents') =>
		done.reduce((sum, counts) => sum + counts![key], 0)
	expect({
		s: total('sessions'),
		v: total('verifications'),
		t: total('throttles'),
		r: total('rateLimits'),
		e: total('securityEvents'),
	}).toEqual({
		s: 1,
		v: 1,
		t: 1,
		r: 1,
		e: 1,
	})

	expect((await db.select().from(session)).map((row) => row.id)).toEqual(['s-live'])
	expect((await db.select().from(verification)).map((row) => row.id)).toEqual(['v-live'])
	expect((await db.select().from(authThrottle)).map((row) => row.key)).toEqual(['live'])
	expect((await db.select().from(rateLimit)).map((row) => row.id)).toEqual(['r-live'])
	expect((await db.select().from(authEvent)).map((row) => row.id)).toEqual(['e-live'])
	expect(await db.select().from(user).where(eq(user.id, 'u1'))).toHaveLength(1)
})
