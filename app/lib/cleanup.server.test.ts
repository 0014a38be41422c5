import { eq, sql } from 'drizzle-orm'
import { afterAll, expect, test } from 'vitest'
import { onTestDatabaseTeardown } from '#tests/support/fresh-database.ts'
import { deleteExpiredRows } from './cleanup.server.ts'
import { database, db } from './db.server.ts'
import { adminAudit, apikey, authEvent, authThrottle, deviceCode, rateLimit, session, user, verification } from './db/schema.ts'

onTestDatabaseTeardown(() => database.close())
afterAll(() => {})

test('deletes expired sessions, verification rows, throttle counters, stale rate limits, security events older than 90 days admin audit rows older than a year, expired device codes and access tokens, and nothing else', async () => {
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

	// Inserting is what the append-only table allows: a row dated 400 days ago is one the trigger lets go.
	const audit = (id: string, createdAt: ReturnType<typeof sql>) => ({ id, actorLabel: 'command line', action: 'role-granted', createdAt })
	await db.insert(adminAudit).values([audit('a-old', sql`now() - interval '400 days'`), audit('a-live', sql`now()`)])

	const [before, after] = [new Date(Date.now() - 60_000), new Date(Date.now() + 3_600_000)]
	const code = (id: string, expiresAt: Date) => ({ id, deviceCode: `d-${id}`, userCode: `U${id}`, expiresAt, status: 'pending' })
	await db.insert(deviceCode).values([code('d-old', before), code('d-live', after)])
	const key = (id: string, expiresAt: Date | null) => ({ id, referenceId: 'u1', key: `hash-${id}`, expiresAt })
	await db.insert(apikey).values([key('k-old', before), key('k-live', after), key('k-forever', null)])

	const [first, second] = await Promise.all([deleteExpiredRows(), deleteExpiredRows()])
	// Two instances at once: one does the work, the other skips (or finds nothing).
	const done = [first, second].filter(Boolean)
	expect(done.length).toBeGreaterThanOrEqual(1)
	const total = (
		key: 'sessions' | 'verifications' | 'throttles' | 'rateLimits' | 'securityEvents' | 'adminAudit' | 'deviceCodes' | 'accessTokens',
	) => done.reduce((sum, counts) => sum + counts![key], 0)
	expect({
		s: total('sessions'),
		v: total('verifications'),
		t: total('throttles'),
		r: total('rateLimits'),
		e: total('securityEvents'),
		a: total('adminAudit'),
		d: total('deviceCodes'),
		k: total('accessTokens'),
	}).toEqual({
		s: 1,
		v: 1,
		t: 1,
		r: 1,
		e: 1,
		a: 1,
		d: 1,
		k: 1,
	})
	expect((await db.select().from(deviceCode)).map((row) => row.id)).toEqual(['d-live'])
	expect((await db.select().from(apikey)).map((row) => row.id).sort()).toEqual(['k-forever', 'k-live'])

	expect((await db.select().from(session)).map((row) => row.id)).toEqual(['s-live'])
	expect((await db.select().from(verification)).map((row) => row.id)).toEqual(['v-live'])
	expect((await db.select().from(authThrottle)).map((row) => row.key)).toEqual(['live'])
	expect((await db.select().from(rateLimit)).map((row) => row.id)).toEqual(['r-live'])
	expect((await db.select().from(authEvent)).map((row) => row.id)).toEqual(['e-live'])
	expect((await db.select().from(adminAudit)).map((row) => row.id)).toEqual(['a-live'])
	expect(await db.select().from(user).where(eq(user.id, 'u1'))).toHaveLength(1)
})

test('the admin audit log is append-only in the database: no UPDATE of any row, no DELETE of a row younger than a year', async () => {
	await db.insert(adminAudit).values([
		{ id: 'b-old', actorLabel: 'command line', action: 'role-granted', createdAt: sql`now() - interval '400 days'` },
		{ id: 'b-new', actorLabel: 'command line', action: 'role-granted' },
	])
	/** The database's refusal, or 'allowed'. */
	const outcome = (query: PromiseLike<unknown>) =>
		Promise.resolve(query).then(
			() => 'allowed',
			(error: { message?: string; cause?: { message?: string } }) => error.cause?.message ?? error.message,
		)
	const refused = /admin_audit is append-only/
	expect(await outcome(db.update(adminAudit).set({ reason: 'rewritten' }).where(eq(adminAudit.id, 'b-new')))).toMatch(refused)
	expect(await outcome(db.update(adminAudit).set({ reason: 'rewritten' }).where(eq(adminAudit.id, 'b-old')))).toMatch(refused)
	expect(await outcome(db.delete(adminAudit).where(eq(adminAudit.id, 'b-new')))).toMatch(refused)
	expect((await db.select().from(adminAudit).where(eq(adminAudit.id, 'b-new')))[0]?.reason).toBeNull()
	// What the hourly cleanup does: a row older than a year may go.
	expect(await outcome(db.delete(adminAudit).where(eq(adminAudit.id, 'b-old')))).toBe('allowed')
})
