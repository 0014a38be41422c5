// Preloaded into the app process by bench/run.ts (node --import): counts what
// a request costs the app — queries sent to PGlite (query/exec; on Postgres
// the bench reads pg_stat_database instead), Ed25519 signatures (token
// signings) and HMAC signature checks (cookies) through WebCrypto — and
// prints the running totals to stderr on SIGUSR2. Benchmark instrumentation
// only; never loaded by the app itself.
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
process.on('SIGUSR2', () => {
	process.stderr.write(`BENCH_COUNTS ${JSON.stringify(counts)}\n`)
})
