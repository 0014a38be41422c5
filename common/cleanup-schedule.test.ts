import { setTimeout as sleep } from 'node:timers/promises'
import { expect, test, vi } from 'vitest'
import { scheduleCleanup } from './cleanup-schedule.ts'

test('runs at start, sooner again while a run leaves a backlog, then at the interval, and never after a stop', async () => {
	vi.useFakeTimers()
	try {
		const results = [{ more: true }, { more: true }, { more: false }, null]
		let runs = 0
		let signal: AbortSignal | undefined
		const stop = scheduleCleanup(
			async (given) => {
				runs += 1
				signal = given
				return results.shift() ?? null
			},
			{ intervalMs: 1_000, backlogIntervalMs: 10 },
		)
		await vi.advanceTimersByTimeAsync(0)
		expect(runs).toBe(1)
		// Two runs with a backlog: each followed by another 10 ms later.
		await vi.advanceTimersByTimeAsync(10)
		expect(runs).toBe(2)
		await vi.advanceTimersByTimeAsync(10)
		expect(runs).toBe(3)
		// No backlog left: the next run waits the interval.
		await vi.advanceTimersByTimeAsync(990)
		expect(runs).toBe(3)
		await vi.advanceTimersByTimeAsync(10)
		expect(runs).toBe(4)
		await stop()
		expect(signal?.aborted).toBe(true)
		await vi.advanceTimersByTimeAsync(5_000)
		expect(runs).toBe(4)
	} finally {
		vi.useRealTimers()
	}
})

test('a stop aborts the run in flight and waits for it to end (its lease released)', async () => {
	let ended = false
	const stop = scheduleCleanup(async (signal) => {
		await new Promise((resolve) => signal.addEventListener('abort', resolve))
		await sleep(30)
		ended = true
		return null
	})
	await stop()
	expect(ended).toBe(true)
})
