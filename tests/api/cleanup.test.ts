/**
 * The task API's clean-up (server/cleanup.ts) on a real database: bounded
 * batches across runs (small caps, not half a million rows), one instance
 * at a time under its lease, a crashed holder's lease taken over, and the
 * lease released whatever the run's end. What each table's rows are is
 * tested with the feature that writes them (tasks, tasks-create-once,
 * account-status, access-tokens).
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { eq, inArray, sql } from 'drizzle-orm'
import { expect, test } from 'vitest'
import { onTestDatabaseTeardown } from '#tests/support/fresh-database.ts'
import type { StatementRunner } from '#common/cleanup-lease.ts'
import { TASK_RESTORE_WINDOW_SECONDS } from '#common/tasks-contract.ts'
import { deleteExpiredRows } from '#server/cleanup.ts'
import { task, taskApiCleanupLease, taskCount, taskIdempotencyKey } from '#server/db/schema.ts'
import { openTasksDatabase } from './test-support.ts'

const database = await openTasksDatabase({ maxConnections: 4, maxCustomPlanConnections: 1 })
onTestDatabaseTeardown(() => database.close())
await database.migrate()
const db = database.db

/** Small batches, no pause: at most 2 batches of 10 rows per table per run. */
const SMALL = { batchSize: 10, maxBatches: 2, pauseRatio: 0 }

const purgeable = sql`now() - make_interval(secs => ${TASK_RESTORE_WINDOW_SECONDS + 60})`

/** `count` tasks of `userId` titled `<title> i`, deleted at `deletedAt` (null: live). */
async function insertTasks(userId: string, title: string, count: number, deletedAt: ReturnType<typeof sql> | null) {
	await db.execute(sql`
		insert into ${task} (user_id, title, deleted_at)
		select ${userId}, ${title} || ' ' || i, ${deletedAt ?? sql`null`} from generate_series(1, ${count}) as i`)
}

async function insertKeys(userId: string, prefix: string, count: number, expiresAt: ReturnType<typeof sql>) {
	await db.execute(sql`
		insert into ${taskIdempotencyKey} (user_id, key, request_hash, expires_at)
		select ${userId}, ${prefix} || '-' || i, 'hash', ${expiresAt} from generate_series(1, ${count}) as i`)
}

const leaseRow = async () => {
	const [row] = await db
		.select({ holder: taskApiCleanupLease.holder, ended: sql<boolean>`${taskApiCleanupLease.heldUntil} <= now()` })
		.from(taskApiCleanupLease)
		.where(eq(taskApiCleanupLease.name, 'cleanup'))
	return row
}

const tasksOf = async (userId: string) =>
	(await db.select({ title: task.title }).from(task).where(eq(task.userId, userId))).map((row) => row.title).sort()

test('a backlog bigger than one run goes in bounded runs: `more` until the last one, nothing live or restorable touched', async () => {
	const user = `cleanup-${crypto.randomUUID()}`
	await insertTasks(user, 'live', 3, null)
	await insertTasks(user, 'restorable', 2, sql`now() - interval '1 second'`)
	await insertTasks(user, 'purged', 45, purgeable)
	// Idempotency keys: a two-column primary key, over two users.
	await insertKeys(user, 'old', 15, sql`now() - interval '1 second'`)
	await insertKeys(`${user}-b`, 'old', 10, sql`now() - interval '1 second'`)
	await insertKeys(user, 'live', 2, sql`now() + interval '1 hour'`)

	const runs = []
	for (let run = 0; run < 5; run++) {
		const result = await deleteExpiredRows(db, SMALL)
		runs.push({ tasks: result?.counts.deletedTasks, keys: result?.counts.idempotencyKeys, more: result?.more })
		if (!result?.more) break
	}
	expect(runs).toEqual([
		{ tasks: 20, keys: 20, more: true },
		{ tasks: 20, keys: 5, more: true },
		{ tasks: 5, keys: 0, more: false },
	])
	expect((await tasksOf(user)).filter((title) => !title.startsWith('purged'))).toEqual([
		'live 1',
		'live 2',
		'live 3',
		'restorable 1',
		'restorable 2',
	])
	expect(await tasksOf(user)).toHaveLength(5)
	const keys = await db
		.select({ key: taskIdempotencyKey.key })
		.from(taskIdempotencyKey)
		.where(inArray(taskIdempotencyKey.userId, [user, `${user}-b`]))
	expect(keys.map((row) => row.key).sort()).toEqual(['live-1', 'live-2'])
	// The purge of deleted tasks leaves the list's counts alone (they count live tasks only).
	const [counts] = await db.select({ live: taskCount.live }).from(taskCount).where(eq(taskCount.listKey, user))
	expect(counts?.live).toBe(3)
})

test('two runs at once: one does the work, the other is skipped', async () => {
	const user = `cleanup-${crypto.randomUUID()}`
	await insertTasks(user, 'purged', 30, purgeable)
	const runs = await Promise.all([deleteExpiredRows(db, SMALL), deleteExpiredRows(db, SMALL)])
	expect(runs.filter((run) => run === null)).toHaveLength(1)
	expect(runs.find(Boolean)?.counts.deletedTasks).toBe(20)
	expect(await tasksOf(user)).toHaveLength(10)
	await deleteExpiredRows(db, SMALL)
})

test('a held lease skips the run; a crashed holder’s lease (held_until past) is taken over, and released after the run', async () => {
	const user = `cleanup-${crypto.randomUUID()}`
	await insertTasks(user, 'purged', 2, purgeable)
	await db
		.insert(taskApiCleanupLease)
		.values({ name: 'cleanup', holder: 'another-instance', heldUntil: sql`now() + interval '1 minute'` })
		.onConflictDoUpdate({
			target: taskApiCleanupLease.name,
			set: { holder: 'another-instance', heldUntil: sql`now() + interval '1 minute'` },
		})
	expect(await deleteExpiredRows(db)).toBeNull()
	expect(await tasksOf(user)).toHaveLength(2)

	await db.update(taskApiCleanupLease).set({ heldUntil: sql`now() - interval '1 second'` })
	expect((await deleteExpiredRows(db))?.counts.deletedTasks).toBe(2)
	const lease = await leaseRow()
	expect(lease?.holder).not.toBe('another-instance')
	expect(lease?.ended).toBe(true)
})

test('a run longer than its lease keeps it: renewed as the batches go', async () => {
	const user = `cleanup-${crypto.randomUUID()}`
	await insertTasks(user, 'purged', 40, purgeable)
	// Every statement takes 100 ms more: the run lasts about 2 s, its lease 300 ms past each renewal.
	const slow: StatementRunner = { execute: async (query) => [await db.execute(query), await sleep(100)][0] }
	const run = deleteExpiredRows(slow, { ...SMALL, maxBatches: 10, leaseMs: 300 })
	await sleep(700)
	expect(await deleteExpiredRows(db)).toBeNull()
	expect((await run)?.counts.deletedTasks).toBe(40)
	expect((await leaseRow())?.ended).toBe(true)
})

test('the lease is released after a run that throws, and after one stopped between batches', async () => {
	const user = `cleanup-${crypto.randomUUID()}`
	await insertTasks(user, 'purged', 25, purgeable)
	let statements = 0
	const failing: StatementRunner = {
		execute: (query) => (++statements === 3 ? Promise.reject(new Error('the database went away')) : db.execute(query)),
	}
	await expect(deleteExpiredRows(failing, SMALL)).rejects.toThrow('the database went away')
	expect((await leaseRow())?.ended).toBe(true)

	// A service stopping: the run ends before its next batch, says a backlog may be left, and lets the lease go.
	const stopping = new AbortController()
	let batches = 0
	const stopsAfterOneBatch: StatementRunner = {
		execute: async (query) => {
			const result = await db.execute(query)
			if (++batches === 2) stopping.abort()
			return result
		},
	}
	const stopped = await deleteExpiredRows(stopsAfterOneBatch, { ...SMALL, signal: stopping.signal })
	expect(stopped?.more).toBe(true)
	expect((await leaseRow())?.ended).toBe(true)
	expect((await deleteExpiredRows(db))?.counts.deletedTasks).toBeGreaterThan(0)
	expect(await tasksOf(user)).toEqual([])
})
