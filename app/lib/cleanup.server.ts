/**
 * The app's periodic clean-up of expired rows (what it deletes, and how:
 * app/lib/expired-rows.server.ts). Runs once at start, then every
 * CLEANUP_INTERVAL_MS (an hour), or a minute after a run that left a backlog
 * (common/cleanup-schedule.ts); the timer is unref()'d so it never keeps a
 * process alive.
 *
 * Several instances may run it at once: the clean-up lease lets one of them
 * do a run while the others skip it (common/cleanup-lease.ts), and every
 * batch is an idempotent DELETE of expired rows anyway.
 */
import { loggedRun, scheduleCleanup } from '#common/cleanup-schedule.ts'
import { db } from './db.server.ts'
import type { CleanupOptions } from '#common/batched-cleanup.ts'
import { deleteExpiredAppRows, type AppCleanupRun } from './expired-rows.server.ts'
import { logger } from './logger.server.ts'

/** One run on the app's database; null when another instance holds the lease. */
export function deleteExpiredRows(options: CleanupOptions = {}): Promise<AppCleanupRun | null> {
	return deleteExpiredAppRows(db, options)
}

const runCleanup = loggedRun(
	(signal) => deleteExpiredRows({ signal }),
	logger,
	'deleted expired sessions, tokens, counters and old log rows',
)

type CleanupState = { stop?: () => Promise<void> }
const state: CleanupState = ((globalThis as { __taskwellCleanup?: CleanupState }).__taskwellCleanup ??= {})

/** Starts the periodic cleanup once per process (dev reloads included); not under vitest. */
export function startCleanup(intervalMs?: number): void {
	if (state.stop || process.env.VITEST) return
	state.stop = scheduleCleanup(runCleanup, { intervalMs })
}

/** Stops it: the run in flight ends after its current batch and releases its lease. */
export async function stopCleanup(): Promise<void> {
	const stop = state.stop
	state.stop = undefined
	await stop?.()
}
