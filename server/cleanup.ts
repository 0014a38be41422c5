/**
 * Deletes the task API's rows that have expired and would otherwise pile up:
 * Idempotency-Keys older than 24 hours, per-minute create counters whose
 * window is over, deleted tasks past their restore window
 * (TASK_RESTORE_WINDOW_SECONDS; they are already out of every list), and
 * account statuses that refuse nothing any more (no suspension now or
 * later, and a tokens_valid_after more than a day old: every token it could
 * refuse expired long ago), and revoked access tokens recorded more than a
 * day ago (every JWT they could refuse expired long ago: a revoked token
 * mints no new one).
 *
 * In bounded, paced batches under the task API's clean-up lease
 * (common/batched-cleanup.ts: 1,000 rows a batch, at most 500,000 rows per
 * table per run). Each condition is a range on one indexed column:
 * task_idempotency_key_expires_idx, task_create_rate_window_idx,
 * task_deleted_at_idx (partial: deleted tasks only),
 * revoked_access_token_revoked_at_idx; account_status is small (only
 * suspended accounts and recent token cut-offs) and is read in key order.
 *
 * Runs once at start, then every CLEANUP_INTERVAL_MS (an hour), or a minute
 * after a run that left a backlog (common/cleanup-schedule.ts); the timer is
 * unref()'d so it never keeps the process alive. Any number of instances may
 * run it: the lease lets one instance do a run while the others skip it.
 * Correctness never depends on it: an expired key is treated as absent and
 * an old window restarts on its own. `npm run cleanup -- --api`
 * (scripts/cleanup.ts) runs it from the command line.
 */
import { and, isNotNull, isNull, lt, lte, or } from 'drizzle-orm'
import { runBatchedCleanup, type CleanupOptions, type CleanupRun, type ExpiredRows } from '#common/batched-cleanup.ts'
import type { StatementRunner } from '#common/cleanup-lease.ts'
import { loggedRun, scheduleCleanup } from '#common/cleanup-schedule.ts'
import type { Logger } from '#common/logger.ts'
import { TASK_RESTORE_WINDOW_SECONDS } from '#common/tasks-contract.ts'
import { accountStatus, revokedAccessToken, task, taskApiCleanupLease, taskCreateRate, taskIdempotencyKey } from './db/schema.ts'

/** An account status whose tokens_valid_after is older than this refuses no token (they live 5 minutes): it may go once no suspension is left. */
const ACCOUNT_STATUS_KEEP_MS = 24 * 60 * 60 * 1000
/** A revocation older than this refuses no JWT (they live 5 minutes, and a revoked token mints none): it may go. */
const REVOKED_ACCESS_TOKEN_KEEP_MS = 24 * 60 * 60 * 1000

export type TasksCleanupTable = 'idempotencyKeys' | 'createCounters' | 'deletedTasks' | 'accountStatuses' | 'revokedAccessTokens'
export type TasksCleanupRun = CleanupRun<TasksCleanupTable>

/** What has expired at `now`, table by table, in the order a run goes through them. */
export function tasksExpiredRows(now: Date): Array<ExpiredRows<TasksCleanupTable>> {
	const restoreCutoff = new Date(now.getTime() - TASK_RESTORE_WINDOW_SECONDS * 1000)
	const statusCutoff = new Date(now.getTime() - ACCOUNT_STATUS_KEEP_MS)
	return [
		{
			name: 'idempotencyKeys',
			table: taskIdempotencyKey,
			where: lt(taskIdempotencyKey.expiresAt, now),
			orderBy: taskIdempotencyKey.expiresAt,
		},
		{ name: 'createCounters', table: taskCreateRate, where: lt(taskCreateRate.windowEndsAt, now), orderBy: taskCreateRate.windowEndsAt },
		{
			name: 'deletedTasks',
			table: task,
			where: and(isNotNull(task.deletedAt), lte(task.deletedAt, restoreCutoff))!,
			orderBy: task.deletedAt,
		},
		{
			name: 'accountStatuses',
			table: accountStatus,
			where: and(
				or(isNull(accountStatus.suspendedUntil), lt(accountStatus.suspendedUntil, now)),
				or(isNull(accountStatus.tokensValidAfter), lt(accountStatus.tokensValidAfter, statusCutoff)),
			)!,
			orderBy: accountStatus.userId,
		},
		{
			name: 'revokedAccessTokens',
			table: revokedAccessToken,
			where: lt(revokedAccessToken.revokedAt, new Date(now.getTime() - REVOKED_ACCESS_TOKEN_KEEP_MS)),
			orderBy: revokedAccessToken.revokedAt,
		},
	]
}

/** One run; null when another instance holds the lease (skipped). */
export function deleteExpiredRows(db: StatementRunner, options: CleanupOptions = {}): Promise<TasksCleanupRun | null> {
	return runBatchedCleanup(db, taskApiCleanupLease, tasksExpiredRows, options)
}

/** Starts the periodic cleanup; the function it returns stops it (the run in flight ends after its current batch). */
export function startCleanup(db: StatementRunner, logger: Logger, intervalMs?: number): () => Promise<void> {
	const run = loggedRun(
		(signal) => deleteExpiredRows(db, { signal }),
		logger,
		'deleted expired keys, counters, tasks, account statuses and revocations',
	)
	return scheduleCleanup(run, { intervalMs })
}
