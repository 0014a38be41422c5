// Preloaded into the app and API processes by bench/run.ts (node --import):
// counts what requests cost — queries sent to PGlite (query/exec; on
// Postgres the bench reads pg_stat_database instead), Ed25519 signatures
// (token signings) and HMAC computations (cookie signature checks) through
// WebCrypto — and prints the running totals to stderr on SIGUSR2.
// With BENCH_PROFILE_FILE set, the first SIGUSR2 also starts the CPU
// profiler and the second stops it and writes the profile there: the
// profile covers the measured run only (no start-up, no warm-up).
// BENCH_PROFILE=heap samples allocations instead (what feeds the garbage
// collector), written beside it as .heapprofile.
// Benchmark instrumentation only; never loaded by the services themselves.
import { writeFileSync } from 'node:fs'
import { Session } from 'node:inspector/promises'
import { PGlite } from '@electric-sql/pglite'

const counts = { pgliteQueries: 0, signings: 0, hmacChecks: 0 }
for (const method of ['query', 'exec']) {
	const original = PGlite.prototype[method]
	PGlite.prototype[method] = function (...args) {
		counts.pgliteQueries += 1
		return original.apply(this, args)
	}
}
const subtle = Object.getPrototypeOf(globalThis.crypto.subtle)
const algorithmName = (algorithm) => (typeof algorithm === 'string' ? algorithm : algorithm?.name)
const sign = subtle.sign
subtle.sign = function (algorithm, ...rest) {
	const name = algorithmName(algorithm)
	if (name === 'Ed25519' || name === 'EdDSA') counts.signings += 1
	if (name === 'HMAC') counts.hmacChecks += 1
	return sign.call(this, algorithm, ...rest)
}
const verify = subtle.verify
subtle.verify = function (algorithm, ...rest) {
	if (algorithmName(algorithm) === 'HMAC') counts.hmacChecks += 1
	return verify.call(this, algorithm, ...rest)
}

const profileFile = process.env.BENCH_PROFILE_FILE
/** BENCH_PROFILE=heap: a sampling allocation profile (.heapprofile) instead of a CPU profile. */
const heap = process.env.BENCH_PROFILE === 'heap'
let session
process.on('SIGUSR2', async () => {
	process.stderr.write(`BENCH_COUNTS ${JSON.stringify(counts)}\n`)
	if (!profileFile) return
	if (!session) {
		session = new Session()
		session.connect()
		if (heap) {
			await session.post('HeapProfiler.enable')
			await session.post('HeapProfiler.startSampling', {
				samplingInterval: 16384,
				includeObjectsCollectedByMajorGC: true,
				includeObjectsCollectedByMinorGC: true,
			})
		} else {
			await session.post('Profiler.enable')
			await session.post('Profiler.start')
		}
	} else if (heap) {
		const { profile } = await session.post('HeapProfiler.stopSampling')
		writeFileSync(profileFile.replace(/\.cpuprofile$/, '.heapprofile'), JSON.stringify(profile))
		process.stderr.write('BENCH_PROFILE_WRITTEN\n')
	} else {
		const { profile } = await session.post('Profiler.stop')
		writeFileSync(profileFile, JSON.stringify(profile))
		process.stderr.write('BENCH_PROFILE_WRITTEN\n')
	}
})
