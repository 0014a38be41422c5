import { eq, sql } from 'drizzle-orm'
import { expect, test } from 'vitest'
import { onTestDatabaseTeardown } from '#tests/support/fresh-database.ts'
import { takeLease, type StatementRunner } from '#common/cleanup-lease.ts'
import { deleteExpiredRows } from './cleanup.server.ts'
import { database, db } from './db.server.ts'
import {
	adminAudit,
	apikey,
	appCleanupLease,
	authEvent,
	authThrottle,
	deviceCode,
	rateLimit,
	session,
	user,
	verification,
} from './db/schema.ts'
import { deleteExpiredAppRows } from './expired-rows.server.ts'

onTestDatabaseTeardown(() => database.close())

/** Small batches, no pause: a backlog bigger than one run's cap without inserting half a million rows. */
const SMALL = { batchSize: 10, maxBatches: 3, pauseRatio: 0 }

const sessionIds = async () => (await db.select({ id: session.id }).from(session)).map((row) => row.id).sort()
const leaseRow = async () => {
	const [row] = await db
		.select({ holder: appCleanupLease.holder, ended: sql<boolean>`${appCleanupLease.heldUntil} <= now()` })
		.from(appCleanupLease)
		.where(eq(appCleanupLease.name, 'cleanup'))
	return row
}

/** `count` expired sessions of user u1, ids `<prefix>-1` …; and `live` ones that expire in an hour. */
async function insertSessions(prefix: string, count: number, expiresAt = sql`now() - interval '1 minute'`) {
	await db.insert(user).values({ id: 'u1', name: 'U', email: 'u1@example.com' }).onConflictDoNothing()
	await db.execute(sql`
		insert into ${session} (id, token, user_id, expires_at)
		select ${prefix} || '-' || i, ${prefix} || '-token-' || i, 'u1', ${expiresAt} from generate_series(1, ${count}) as i`)
}

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

	const run = await deleteExpiredRows()
	expect(run).toEqual({
		counts: {
			sessions: 1,
			verifications: 1,
			throttles: 1,
			rateLimits: 1,
			securityEvents: 1,
			adminAudit: 1,
			deviceCodes: 1,
			accessTokens: 1,
		},
		more: false,
	})
	expect((await db.select().from(deviceCode)).map((row) => row.id)).toEqual(['d-live'])
	expect((await db.select().from(apikey)).map((row) => row.id).sort()).toEqual(['k-forever', 'k-live'])

	expect(await sessionIds()).toEqual(['s-live'])
	expect((await db.select().from(verification)).map((row) => row.id)).toEqual(['v-live'])
	expect((await db.select().from(authThrottle)).map((row) => row.key)).toEqual(['live'])
	expect((await db.select().from(rateLimit)).map((row) => row.id)).toEqual(['r-live'])
	expect((await db.select().from(authEvent)).map((row) => row.id)).toEqual(['e-live'])
	expect((await db.select().from(adminAudit)).map((row) => row.id)).toEqual(['a-live'])
	expect(await db.select().from(user).where(eq(user.id, 'u1'))).toHaveLength(1)
	// The lease is released: the next run (another instance's, or the next hour's) takes it at once.
	expect((await leaseRow())?.ended).toBe(true)
	expect(await deleteExpiredRows()).not.toBeNull()
})

test('a backlog bigger than one run is deleted in bounded runs: `more` until the last, live rows untouched', async () => {
	await db.delete(session)
	await insertSessions('backlog', 70)
	await insertSessions('live', 5, sql`now() + interval '1 hour'`)
	await db.insert(verification).values(
		Array.from({ length: 25 }, (_, i) => ({
			id: `v-${i}`,
			identifier: `x:${i}`,
			value: 'u1',
			expiresAt: sql`now() - interval '1 minute'`,
		})),
	)

	// At most 3 batches of 10 per table per run.
	const first = await deleteExpiredRows(SMALL)
	expect(first?.counts).toMatchObject({ sessions: 30, verifications: 25 })
	expect(first?.more).toBe(true)
	expect((await sessionIds()).length).toBe(45)
	const second = await deleteExpiredRows(SMALL)
	expect(second?.counts).toMatchObject({ sessions: 30, verifications: 0 })
	expect(second?.more).toBe(true)
	const third = await deleteExpiredRows(SMALL)
	expect(third?.counts).toMatchObject({ sessions: 10, verifications: 0 })
	expect(third?.more).toBe(false)
	expect(await sessionIds()).toEqual(['live-1', 'live-2', 'live-3', 'live-4', 'live-5'])
})

test('two runs at once: one does the work, the other is skipped', async () => {
	await db.delete(session)
	await insertSessions('both', 50)
	const runs = await Promise.all([deleteExpiredRows(SMALL), deleteExpiredRows(SMALL)])
	expect(runs.filter((run) => run === null)).toHaveLength(1)
	expect(runs.find(Boolean)?.counts.sessions).toBe(30)
	expect((await sessionIds()).length).toBe(20)
})

test('a lease someone holds skips the run; a lease its crashed holder left behind is taken over', async () => {
	await db.delete(session)
	await insertSessions('held', 3)
	await db
		.insert(appCleanupLease)
		.values({ name: 'cleanup', holder: 'another-instance', heldUntil: sql`now() + interval '1 minute'` })
		.onConflictDoUpdate({ target: appCleanupLease.name, set: { holder: 'another-instance', heldUntil: sql`now() + interval '1 minute'` } })
	expect(await deleteExpiredRows()).toBeNull()
	expect((await sessionIds()).length).toBe(3)
	expect((await leaseRow())?.holder).toBe('another-instance')

	// The holder crashed: its lease ran out and was never renewed.
	await db.update(appCleanupLease).set({ heldUntil: sql`now() - interval '1 second'` })
	const run = await deleteExpiredRows()
	expect(run?.counts.sessions).toBe(3)
	const lease = await leaseRow()
	expect(lease?.holder).not.toBe('another-instance')
	expect(lease?.ended).toBe(true)
})

test('the lease is released after a run that throws', async () => {
	await insertSessions('throws', 3)
	let statements = 0
	// The database fails the run's first batch (its second statement, after taking the lease).
	const failing: StatementRunner = {
		execute: (query) => (++statements === 2 ? Promise.reject(new Error('the database went away')) : db.execute(query)),
	}
	await expect(deleteExpiredAppRows(failing)).rejects.toThrow('the database went away')
	expect((await leaseRow())?.ended).toBe(true)
	expect((await deleteExpiredRows())?.counts.sessions).toBeGreaterThanOrEqual(3)
})

test('the lease: one holder at a time, renewed while held, lost once another took over an expired one', async () => {
	const first = await takeLease(db, appCleanupLease, 'lease-test', 60_000)
	expect(first).not.toBeNull()
	expect(await takeLease(db, appCleanupLease, 'lease-test', 60_000)).toBeNull()
	expect(await first!.renew()).toBe(true)
	// It ran out (a stalled holder) and another instance took it: the first one's renewal says so, its release changes nothing.
	await db
		.update(appCleanupLease)
		.set({ heldUntil: sql`now() - interval '1 second'` })
		.where(eq(appCleanupLease.name, 'lease-test'))
	const second = await takeLease(db, appCleanupLease, 'lease-test', 60_000)
	expect(second).not.toBeNull()
	expect(await first!.renew()).toBe(false)
	await first!.release()
	expect(await takeLease(db, appCleanupLease, 'lease-test', 60_000)).toBeNull()
	await second!.release()
	expect(await takeLease(db, appCleanupLease, 'lease-test', 60_000)).not.toBeNull()
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

test('a clock ahead of the database never makes the admin audit clean-up fail: the database clock decides too', async () => {
	await db
		.insert(adminAudit)
		.values([{ id: 'c-364', actorLabel: 'command line', action: 'role-granted', createdAt: sql`now() - interval '364 days 23 hours'` }])
	// The caller's clock two days ahead: by it the row is over a year old, by the database's it is not.
	const run = await deleteExpiredRows({ now: new Date(Date.now() + 2 * 24 * 3600 * 1000) })
	expect(run?.counts.adminAudit).toBe(0)
	expect((await db.select().from(adminAudit).where(eq(adminAudit.id, 'c-364'))).length).toBe(1)
})
