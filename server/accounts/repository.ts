/**
 * An account's status (issue 22), as the app's admins set it through
 * PUT /v1/me/status: the API's own account_status row, read by every
 * instance through server/auth/account-blocks.ts.
 *
 * Suspending sets suspended_until and moves tokens_valid_after to now(), so
 * every token issued before the suspension is refused from then on, even
 * after it ends. Lifting clears suspended_until only: those tokens stay
 * refused (the app mints new ones; they live 5 minutes anyway).
 */
import { eq, sql } from 'drizzle-orm'
import { accountStatus } from '#server/db/schema.ts'
import type { TasksDb } from '#server/tasks/repository.ts'

/** A date and time (ISO 8601 with an offset), `'forever'`, or null to lift the suspension. */
export type SuspendedUntil = string | 'forever' | null

export async function setAccountStatus(db: TasksDb, userId: string, suspendedUntil: SuspendedUntil): Promise<void> {
	if (suspendedUntil === null) {
		// No row: never suspended, nothing to lift.
		await db
			.update(accountStatus)
			.set({ suspendedUntil: null, updatedAt: sql`now()` })
			.where(eq(accountStatus.userId, userId))
		return
	}
	const until = suspendedUntil === 'forever' ? sql`'infinity'::timestamptz` : sql`${new Date(suspendedUntil).toISOString()}::timestamptz`
	await db
		.insert(accountStatus)
		.values({ userId, suspendedUntil: until, tokensValidAfter: sql`now()`, updatedAt: sql`now()` })
		.onConflictDoUpdate({
			target: accountStatus.userId,
			set: { suspendedUntil: until, tokensValidAfter: sql`now()`, updatedAt: sql`now()` },
		})
}
