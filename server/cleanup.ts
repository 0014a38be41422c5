/**
 * Deletes the task API's rows that have expired and would otherwise pile up:
 * Idempotency-Keys older than 24 hours, per-minute create counters whose
 * window is over, deleted tasks past their restore window
 * (TASK_RESTORE_WINDOW_SECONDS; they are already out of every list), and
 * account statuses that refuse nothing any more (no suspension now or
 * later, and a tokens_valid_after more than a day old: every token it could
 * refuse expired long ago), and revoked access tokens recorded more than a
 * day ago (every JWT they could refuse expired long ago: a revoked token
 * mints no new one). Runs once at start and then every
 * CLEANUP_INTERVAL_MS; the timer is unref()'d so it never keeps the process alive.
 *
 * Any number of instances may run it: each statement is an idempotent DELETE
 * of expired rows, and a transaction-scoped advisory lock lets one instance
 * do a round while the others skip it. Correctness never depends on it: an
 * expired key is treated as absent and an old window restarts on its own.
 */
import { and, isNotNull, isNull, lt, lte, or, sql } from 'drizzle-orm'
import type { Logger } from '#common/logger.ts'
import { TASK_RESTORE_WINDOW_SECONDS } from '#common/tasks-contract.ts'
import { accountStatus, revokedAccessToken, task, taskCreateRate, taskIdempotencyKey } from './db/schema.ts'
import type { TasksDb } from './tasks/repository.ts'

export const CLEANUP_INTERVAL_MS = 60 * 60 * 1000
/** Arbitrary, fixed: "taskwell tasks-api cleanup". */
const LOCK_KEY = 7_361_002_512
/** An account status whose tokens_valid_after is older than this refuses no token (they live 5 minutes): it may go once no suspension is left. */
const ACCOUNT_STATUS_KEEP_MS = 24 * 60 * 60 * 1000
/** A revocation older than this refuses no JWT (they live 5 minutes, and a revoked token mints none): it may go. */
const REVOKED_ACCESS_TOKEN_KEEP_MS = 24 * 60 * 60 * 1000

export type CleanupCounts = {
	idempotencyKeys: number
	createCounters: number
	deletedTasks: number
	accountStatuses: number
	revokedAccessTokens: number
}

/** null when another instance holds the round. */
export async function deleteExpiredRows(db: TasksDb, now = new Date()): Promise<CleanupCounts | null> {
	return db.transaction(async (tx) => {
		const locked = await tx.execute<{ locked: boolean }>(sql`select pg_try_advisory_xact_lock(${LOCK_KEY}) as locked`)
		const rows = (Array.isArray(locked) ? locked : (locked as { rows: Array<{ locked: boolean }> }).rows) as Array<{ locked: boolean }>
		if (!rows[0]?.locked) return null
		const keys = await tx.delete(taskIdempotencyKey).where(lt(taskIdempotencyKey.expiresAt, now)).returning({ key: taskIdempotencyKey.key })
		const counters = await tx
			.delete(taskCreateRate)
			.where(lt(taskCreateRate.windowEndsAt, now))
			.returning({ userId: taskCreateRate.userId })
		const restoreCutoff = new Date(now.getTime() - TASK_RESTORE_WINDOW_SECONDS * 1000)
		const purged = await tx
			.delete(task)
			.where(and(isNotNull(task.deletedAt), lte(task.deletedAt, restoreCutoff)))
			.returning({ id: task.id })
		const statusCutoff = new Date(now.getTime() - ACCOUNT_STATUS_KEEP_MS)
		const statuses = await tx
			.delete(accountStatus)
			.where(
				and(
					or(isNull(accountStatus.suspendedUntil), lt(accountStatus.suspendedUntil, now)),
					or(isNull(accountStatus.tokensValidAfter), lt(accountStatus.tokensValidAfter, statusCutoff)),
				),
			)
			.returning({ userId: accountStatus.userId })
		const revokedCutoff = new Date(now.getTime() - REVOKED_ACCESS_TOKEN_KEEP_MS)
		const revoked = await tx
			.delete(revokedAccessToken)
			.where(lt(revokedAccessToken.revokedAt, revokedCutoff))
			.returning({ tokenId: revokedAccessToken.tokenId })
		return {
			idempotencyKeys: keys.length,
			createCounters: counters.length,
			deletedTasks: purged.length,
			accountStatuses: statuses.length,
			revokedAccessTokens: revoked.length,
		}
	})
}

/** Starts the periodic cleanup; returns a function that stops it. */
export function startCleanup(db: TasksDb, logger: Logger, intervalMs = CLEANUP_INTERVAL_MS): () => void {
	const run = async () => {
		try {
			const counts = await deleteExpiredRows(db)
			if (counts) logger.info({ event: 'cleanup', ...counts }, 'deleted expired keys, counters, tasks, account statuses and revocations')
		} catch (error) {
			logger.error({ err: error }, 'cleanup of expired rows failed')
		}
	}
	void run()
	const timer = setInterval(() => void run(), intervalMs)
	timer.unref()
	return () => clearInterval(timer)
}
