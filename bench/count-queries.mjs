// Preloaded into the app process by bench/app-tasks-page.ts (node --import):
// counts the queries the app sends to its database (PGlite's query/exec, or
// postgres.js's unsafe/simple queries) and prints the running total to
// stderr on SIGUSR2. Benchmark instrumentation only.
import { PGlite } from '@electric-sql/pglite'

let queries = 0
for (const method of ['query', 'exec']) {
	const original = PGlite.prototype[method]
	PGlite.prototype[method] = function (...args) {
		queries += 1
		return original.apply(this, args)
	}
}
process.on('SIGUSR2', () => {
	process.stderr.write(`BENCH_QUERIES ${queries}\n`)
})
