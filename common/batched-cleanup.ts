/**
 * One clean-up run of a service (app/lib/expired-rows.server.ts,
 * server/cleanup.ts), in bounded batches, so that even a large backlog never
 * becomes one huge transaction (a burst of WAL, row locks held for long, a
 * snapshot holding back vacuum, a CPU spike that requests feel):
 *
 * - Each batch is one statement, so its own short transaction: it deletes
 *   at most `batchSize` expired rows, the oldest first, chosen through the
 *   index on the column the condition ranges over (`order by` that column,
 *   `limit`), locked with `for update skip locked` (a row a request holds
 *   is left for the next batch, the clean-up never waits for it) and deleted
 *   by their ctids (a TID scan). The rows are counted in the database; no
 *   id comes back.
 * - After a batch that deleted rows, a pause as long as the batch took
 *   (`pauseRatio`), three times as long as the batch took: the clean-up
 *   uses at most a quarter of one connection's time, and the requests in
 *   flight get the rest.
 * - At most `maxBatches` batches per table per run: a table that still has
 *   expired rows after them says so (`more`), and the next run goes on.
 *
 * Defaults: batches of BATCH_SIZE = 1,000 rows, at most MAX_BATCHES = 500
 * per table per run, so a run deletes at most 500,000 rows per table: a
 * backlog of 900,000 expired sessions is gone in two runs (the services run
 * the next one a minute later while `more`, common/cleanup-schedule.ts).
 * A batch of 2,000 rows takes 5–30 ms on Postgres (measured on tables of
 * 0.1–2 million rows, triggers included; 5,000 rows took up to 75 ms).
 * Batches of 2,000 with a pause as long as each (half of a connection)
 * doubled the task API list's p99 while they ran under `npm run
 * bench:scale` (41.6 ms against 20.9); 1,000 with three times the pause
 * weigh less on the requests, and the seeded year's backlog (1.8 million
 * expired rows in the app's tables) still goes in two runs. On the embedded
 * database (PGlite, in the app's own process) a batch of 2,000 takes about
 * 35 ms.
 *
 * One instance at a time: the run holds the service's clean-up lease
 * (common/cleanup-lease.ts), renewed as the batches go and released at the
 * end, thrown error or not. Another instance's run meanwhile returns null
 * (skipped).
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { sql, type SQL } from 'drizzle-orm'
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core'
import { LEASE_MS, rowsOf, takeLease, type StatementRunner } from './cleanup-lease.ts'

/** Rows per batch (see the module comment). */
export const BATCH_SIZE = 1_000
/** Batches per table per run: at most BATCH_SIZE × MAX_BATCHES = 500,000 rows per table per run. */
export const MAX_BATCHES = 500
/** The pause after a batch, as a share of the time the batch took. */
export const PAUSE_RATIO = 3

/** The expired rows of one table. */
export type ExpiredRows<TName extends string> = {
	/** Its name in the counts. */
	name: TName
	table: PgTable
	/** Which rows have expired. */
	where: SQL
	/** The column `where` ranges over, with an index on it: each batch takes the oldest rows first, through that index. */
	orderBy: PgColumn
}

export type BatchOptions = {
	/** Rows per batch (default BATCH_SIZE). */
	batchSize?: number
	/** Batches per table per run (default MAX_BATCHES). */
	maxBatches?: number
	/** Pause after each batch, as a share of its duration (default PAUSE_RATIO; 0: none). */
	pauseRatio?: number
	/** Stops the run between two batches (a service stopping); the run returns what it did, with `more`. */
	signal?: AbortSignal
	/** How long the lease lasts past its last renewal (default LEASE_MS); it is renewed when a fifth of that has passed. */
	leaseMs?: number
}

/** A run's options, and the instant what counts as expired is judged at (default: now). */
export type CleanupOptions = BatchOptions & { now?: Date }

/** What a run did: rows deleted per table, and whether any table has expired rows left (it hit its cap). */
export type CleanupRun<TName extends string> = { counts: Record<TName, number>; more: boolean }

/** One batch: the statement (exported for the EXPLAIN checks). */
export function batchStatement(rows: ExpiredRows<string>, limit: number): SQL {
	return sql`with deleted as (
		delete from ${rows.table} where ctid = any(array(
			select ctid from ${rows.table} where ${rows.where} order by ${rows.orderBy} limit ${limit} for update skip locked
		)) returning 1
	) select count(*)::int as deleted from deleted`
}

/**
 * Deletes the tables' expired rows (`expiredAt(now)`) in bounded batches
 * under the service's lease (the row 'cleanup' of `leaseTable`); null when
 * another instance holds it.
 */
export async function runBatchedCleanup<TName extends string>(
	db: StatementRunner,
	leaseTable: PgTable,
	expiredAt: (now: Date) => ReadonlyArray<ExpiredRows<TName>>,
	options: CleanupOptions = {},
): Promise<CleanupRun<TName> | null> {
	const tables = expiredAt(options.now ?? new Date())
	const { batchSize = BATCH_SIZE, maxBatches = MAX_BATCHES, pauseRatio = PAUSE_RATIO, signal, leaseMs = LEASE_MS } = options
	const lease = await takeLease(db, leaseTable, 'cleanup', leaseMs)
	if (!lease) return null
	const counts = Object.fromEntries(tables.map((rows) => [rows.name, 0])) as Record<TName, number>
	let more = false
	let renewedAt = performance.now()
	/** How long the last batch took, when it deleted rows: the pause before the next one. */
	let lastBatchMs = 0
	/** False when the run must stop early: aborted, or the lease went to another instance. */
	const mayGoOn = async () => {
		if (lastBatchMs > 0 && pauseRatio > 0) await sleep(lastBatchMs * pauseRatio, undefined, { signal }).catch(() => {})
		if (signal?.aborted) return false
		if (performance.now() - renewedAt < leaseMs / 5) return true
		renewedAt = performance.now()
		return lease.renew()
	}
	try {
		for (const rows of tables) {
			for (let batch = 1; ; batch++) {
				if (!(await mayGoOn())) return { counts, more: true }
				const started = performance.now()
				const [result] = rowsOf<{ deleted: number }>(await db.execute(batchStatement(rows, batchSize)))
				const deleted = Number(result?.deleted ?? 0)
				counts[rows.name] += deleted
				lastBatchMs = deleted > 0 ? performance.now() - started : 0
				if (deleted < batchSize) break
				// The cap: this table's rest waits for the next run; the other tables get theirs now.
				if (batch >= maxBatches) {
					more = true
					break
				}
			}
		}
		return { counts, more }
	} finally {
		// A release that fails (the database gone) leaves a lease that ends by itself within LEASE_MS.
		await lease.release().catch(() => {})
	}
}
