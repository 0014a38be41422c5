// Preloaded into the app and the task API by bench/soak.ts (node --import):
// on SIGUSR2 prints the process's resident set size, its heap (the live
// heap, after a full collection, at probe SOAK_COLLECT_AT_PROBE) and
// external memory, and the event-loop
// delay since the previous SIGUSR2 (p50, p99, max, in ms: how late a timer
// due every 10 ms fired) to stderr as `SOAK_PROBE {...}`, then starts a new
// delay histogram.
// Benchmark instrumentation only; never loaded by the services themselves.
import { monitorEventLoopDelay } from 'node:perf_hooks'

const RESOLUTION_MS = 10
const mib = (bytes) => Math.round((bytes / 1024 / 1024) * 10) / 10
const COLLECT_AT_PROBE = Number(process.env.SOAK_COLLECT_AT_PROBE ?? 0)
let probes = 0
const delay = monitorEventLoopDelay({ resolution: RESOLUTION_MS })
delay.enable()
process.on('SIGUSR2', () => {
	// RSS as the process runs; then, at the last probe only (a collection in
	// between would change what the RSS shows later), the heap the process
	// keeps after a full collection (bench/soak.ts starts the services with
	// --expose-gc and sets SOAK_COLLECT_AT_PROBE).
	probes += 1
	const rss = process.memoryUsage.rss()
	const collected = probes === COLLECT_AT_PROBE && typeof globalThis.gc === 'function'
	if (collected) globalThis.gc()
	const memory = process.memoryUsage()
	// The histogram holds each interval between two ticks: the delay is what exceeds the 10 ms.
	const ms = (ns) => Math.max(0, Math.round((ns / 1e6 - RESOLUTION_MS) * 10) / 10)
	const probe = {
		rssMiB: mib(rss),
		heapUsedMiB: mib(memory.heapUsed),
		collected,
		externalMiB: mib(memory.external),
		delayP50: ms(delay.percentile(50)),
		delayP99: ms(delay.percentile(99)),
		delayMax: ms(delay.max),
	}
	delay.reset()
	process.stderr.write(`SOAK_PROBE ${JSON.stringify(probe)}\n`)
})
