/**
 * When a service runs its clean-up: once at start, then CLEANUP_INTERVAL_MS
 * after each run ends, or BACKLOG_INTERVAL_MS while the last run left a
 * backlog (`more`: a table hit the run's cap), so a large backlog is gone
 * within minutes, not hours, each run still bounded and paced
 * (common/batched-cleanup.ts). One run at a time per process; the timer is
 * unref()'d so it never keeps a process alive.
 */
import type { Logger } from '#common/logger.ts'
import type { CleanupRun } from './batched-cleanup.ts'

/** The hourly clean-up. */
export const CLEANUP_INTERVAL_MS = 60 * 60 * 1000
/** The next run after one that left a backlog. */
export const BACKLOG_INTERVAL_MS = 60 * 1000
/** How long a stop waits for the run in flight (its current batch, then the lease's release); past it the lease ends by itself. */
const STOP_WAIT_MS = 5_000

export type ScheduledRun = (signal: AbortSignal) => Promise<{ more: boolean } | null>

/**
 * A service's run as the schedule calls it: one log line per run it did
 * (`event: "cleanup"`, the rows deleted per table, `more`, `ms`), an error
 * logged rather than thrown (the schedule goes on).
 */
export function loggedRun(run: (signal: AbortSignal) => Promise<CleanupRun<string> | null>, logger: Logger, message: string): ScheduledRun {
	return async (signal) => {
		const started = performance.now()
		try {
			const done = await run(signal)
			if (done) logger.info({ event: 'cleanup', ...done.counts, more: done.more, ms: Math.round(performance.now() - started) }, message)
			return done
		} catch (error) {
			logger.error({ err: error }, 'cleanup of expired rows failed')
			return null
		}
	}
}

/**
 * Starts the runs; the function it returns stops them: no new run, the one
 * in flight stops after its current batch (releasing its lease), and the
 * promise resolves once it has (or after STOP_WAIT_MS, whichever is first).
 */
export function scheduleCleanup(
	run: ScheduledRun,
	{ intervalMs = CLEANUP_INTERVAL_MS, backlogIntervalMs = BACKLOG_INTERVAL_MS }: { intervalMs?: number; backlogIntervalMs?: number } = {},
): () => Promise<void> {
	const stopping = new AbortController()
	let timer: ReturnType<typeof setTimeout> | undefined
	let inFlight: Promise<void> | undefined
	const next = () => {
		inFlight = run(stopping.signal)
			.catch(() => null)
			.then((result) => {
				inFlight = undefined
				if (stopping.signal.aborted) return
				timer = setTimeout(next, result?.more ? backlogIntervalMs : intervalMs)
				timer.unref()
			})
	}
	next()
	return async () => {
		stopping.abort()
		clearTimeout(timer)
		if (!inFlight) return
		let waited: ReturnType<typeof setTimeout> | undefined
		await Promise.race([inFlight, new Promise((resolve) => (waited = setTimeout(resolve, STOP_WAIT_MS)))])
		clearTimeout(waited)
	}
}
