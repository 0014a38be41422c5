// The Node.js flags each production service runs with: `npm start`, the
// benches and the tests that start a build all take them from here, so what
// is measured and tested is what is deployed.
//
// The app's heap is bounded (APP_MAX_HEAP_MB, default 256): under steady
// load V8 otherwise lets the heap grow to several times the live data
// (86–88 MiB under the soak's 50 users) before a full collection, and keeps
// what it grew to, so the app's resident memory kept climbing for minutes
// (docs/performance.md, "npm run bench:soak"). `APP_MAX_HEAP_MB=0` leaves
// V8's own limit; a --max-old-space-size in NODE_OPTIONS wins over both.

export const APP_MAX_HEAP_MB_DEFAULT = 256

/**
 * The app's heap limit in MiB, or undefined for V8's own. Throws on a value that is not a whole number ≥ 64 (or 0).
 * @param {NodeJS.ProcessEnv} [env]
 * @returns {number | undefined}
 */
export function appMaxHeapMb(env = process.env) {
	if (/--max-old-space-size/.test(env.NODE_OPTIONS ?? '')) return undefined
	const raw = env.APP_MAX_HEAP_MB?.trim()
	if (raw === undefined || raw === '') return APP_MAX_HEAP_MB_DEFAULT
	if (!/^\d+$/.test(raw) || (Number(raw) !== 0 && Number(raw) < 64))
		throw new Error(`APP_MAX_HEAP_MB must be a whole number of MiB, at least 64 (or 0 for V8's own limit); it is "${raw}".`)
	return Number(raw) === 0 ? undefined : Number(raw)
}

/**
 * Flags for `node <flags> build/app-server.js` (service "app") or `node <flags> build/api/index.js` (service "api").
 * @param {'app' | 'api'} service
 * @param {NodeJS.ProcessEnv} [env]
 * @returns {string[]}
 */
export function nodeFlags(service, env = process.env) {
	const flags = ['--enable-source-maps']
	if (service === 'app') {
		const heap = appMaxHeapMb(env)
		if (heap !== undefined) flags.push(`--max-old-space-size=${heap}`)
	}
	return flags
}
