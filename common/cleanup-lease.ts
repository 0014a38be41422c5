/**
 * The clean-up lease: which instance of a service runs its clean-up now.
 * One row per clean-up in a table of the service's own (the app's
 * `app_cleanup_lease`, the task API's `task_api_cleanup_lease`):
 * `(name primary key, holder, held_until)`.
 *
 * - Taken with one statement: an insert, or an update of a lease whose
 *   held_until has passed; it returns a row only to the instance that got it.
 * - Renewed while the clean-up runs (`renew`), so a run longer than the
 *   lease keeps it; a renewal that finds another holder says so (the run stops).
 * - Released at the end (held_until = now()), in a `finally`.
 * - A holder that crashed leaves a lease that ends LEASE_MS after its last
 *   renewal: then another instance takes over.
 *
 * Every time is the database's clock (`now()`), never a process's, and every
 * step is one statement in a transaction of its own: it works behind
 * PgBouncer in transaction mode, where a session-level advisory lock could
 * be released on another server connection than the one that took it (and
 * the batches, each a transaction of its own, cannot share a
 * transaction-scoped one).
 */
import { randomUUID } from 'node:crypto'
import { hostname } from 'node:os'
import { sql, type SQL } from 'drizzle-orm'
import type { PgTable } from 'drizzle-orm/pg-core'

/** How long a lease lasts without renewal: a crashed holder's clean-up is taken over this long after its last renewal. */
export const LEASE_MS = 5 * 60 * 1000

/** What the lease needs of a database: one statement at a time. */
export type StatementRunner = { execute: (query: SQL) => PromiseLike<unknown> }

/** postgres.js answers an array of rows, PGlite `{ rows }`. */
export function rowsOf<T>(result: unknown): T[] {
	return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[]
}

export type Lease = {
	/** Who holds it: host, pid and a random part (one per run). */
	holder: string
	/** Extends the lease by LEASE_MS from now; false when another instance holds it now (this run lost it). */
	renew: () => Promise<boolean>
	/** Ends the lease now (only if this run still holds it). */
	release: () => Promise<void>
}

/** The lease, or null when another instance holds it. */
export async function takeLease(db: StatementRunner, lease: PgTable, name: string, leaseMs = LEASE_MS): Promise<Lease | null> {
	const holder = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`
	const until = sql`now() + make_interval(secs => ${leaseMs / 1000})`
	const taken = rowsOf<{ holder: string }>(
		await db.execute(sql`
			insert into ${lease} (name, holder, held_until) values (${name}, ${holder}, ${until})
			on conflict (name) do update set holder = excluded.holder, held_until = excluded.held_until
			where ${lease}.held_until <= now()
			returning holder`),
	)
	if (taken[0]?.holder !== holder) return null
	return {
		holder,
		async renew() {
			const renewed = await db.execute(
				sql`update ${lease} set held_until = ${until} where name = ${name} and holder = ${holder} returning 1`,
			)
			return rowsOf(renewed).length === 1
		},
		async release() {
			await db.execute(sql`update ${lease} set held_until = now() where name = ${name} and holder = ${holder}`)
		},
	}
}
