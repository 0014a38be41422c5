/**
 * One fixed-window rate counter for both services: the app's throttle
 * (app/lib/throttle.server.ts, table auth_throttle) and the task API's
 * creation rate (server/tasks/limits.ts, table task_create_rate). Each keeps
 * its own table and database; the counting is this one upsert, so any number
 * of instances share a counter, and N parallel hits count N.
 *
 * A hit inserts the counter at 1 with its window ending `windowSeconds` from
 * now, or, when the key is counted already, adds 1 — unless that window has
 * ended, when it starts a new one at 1. It answers the count in the current
 * window and the seconds until that window ends (at least 1).
 *
 * The statement stays with the caller (`db.insert(table).values({ key,
 * ...hit.values }).onConflictDoUpdate(hit.onConflict).returning(hit.returning)`)
 * so drizzle checks it against that table's own columns.
 */
import { sql } from 'drizzle-orm'
import type { PgColumn } from 'drizzle-orm/pg-core'

/** A counter table's columns: the key (its primary key), the count, and when the window ends. */
export type RateCounterColumns = { key: PgColumn; count: PgColumn; windowEndsAt: PgColumn }

export type RateCount = { count: number; retryAfterSeconds: number }

/** The parts of one hit's upsert on a table with `columns`, for a window of `windowSeconds`. */
export function fixedWindowHit(columns: RateCounterColumns, windowSeconds: number) {
	const windowEnd = sql`now() + make_interval(secs => ${windowSeconds})`
	const expired = sql`${columns.windowEndsAt} <= now()`
	return {
		/** A new counter (beside its key). */
		values: { count: 1, windowEndsAt: windowEnd },
		/** A counted key: one more, or 1 in a new window once the old one has ended. */
		onConflict: {
			target: columns.key,
			set: {
				count: sql`case when ${expired} then 1 else ${columns.count} + 1 end`,
				windowEndsAt: sql`case when ${expired} then ${windowEnd} else ${columns.windowEndsAt} end`,
			},
		},
		returning: {
			count: columns.count,
			retryAfterSeconds: sql<number>`greatest(1, ceil(extract(epoch from ${columns.windowEndsAt} - now())))::int`,
		},
		/** The upsert's answer (its one row), as numbers. */
		countOf(row: { count: unknown; retryAfterSeconds: unknown } | undefined): RateCount {
			return { count: Number(row?.count ?? 1), retryAfterSeconds: Number(row?.retryAfterSeconds ?? windowSeconds) }
		},
	}
}
