// The Node.js flags each production service runs with: `npm start`, the
// benches and the tests that start a build all take them from here, so what
// is measured and tested is what is deployed.
//
// The app's heap: left to itself, V8 lets a busy app's heap grow, minute
// after minute, to several times its live data (86–88 MiB under the soak's
// 50 users) and keeps what it grew to: its resident memory climbed by a
// third over five minutes of steady load (docs/performance.md,
// "npm run bench:soak"). So the app runs with
// - --heap-growing-percent=200: after each full collection the next one is
//   due when the heap has grown to 3× what survived, not a factor V8 raises
//   as it goes;
// - --max-old-space-size=APP_MAX_HEAP_MB (default 512): a hard ceiling, far
//   above that. A ceiling alone is not enough: under 1 GiB V8 also lowers
//   the growing factor, to 1.3 at 256 MiB, and full collections every second
//   cost a busy app a sixth of its CPU (`npm run bench`).
// - --max-semi-space-size=32 (MiB; V8's own is 16): the young generation,
//   where a request's short-lived objects are made. The BFF keeps each
//   request's objects alive across its call to the task API; a larger young
//   generation is scavenged half as often, so fewer of them are still live
//   (copied, promoted) when it is. With 32 MiB, `npm run bench` measured
//   /tasks at +4.6 % and +5.8 % req/s with a p99 0.71× and 0.85× (side by
//   side, in both orders); it adds 48 MiB to the heap's limit (V8 counts
//   three semi-spaces).
// `APP_MAX_HEAP_MB=0` leaves all three to V8; so does a --max-old-space-size
// in NODE_OPTIONS (a --max-semi-space-size there wins over ours alone).

export const APP_MAX_HEAP_MB_DEFAULT = 512
export const APP_HEAP_GROWING_PERCENT = 200
export const APP_MAX_SEMI_SPACE_MB = 32

/**
 * Whether NODE_OPTIONS sets this V8 flag (`--max-old-space-size`, or V8's
 * own spelling with underscores): then it wins, and ours is left out.
 * @param {NodeJS.ProcessEnv} env
 * @param {string} flag
 */
function inNodeOptions(env, flag) {
	const spellings = [flag, flag.replaceAll('-', '_').replace(/^__/, '--')]
	return (env.NODE_OPTIONS ?? '')
		.split(/\s+/)
		.some((option) => spellings.some((spelling) => option === spelling || option.startsWith(`${spelling}=`)))
}

/**
 * The app's heap limit in MiB, or undefined for V8's own. Throws on a value that is not a whole number ≥ 64 (or 0).
 * @param {NodeJS.ProcessEnv} [env]
 * @returns {number | undefined}
 */
export function appMaxHeapMb(env = process.env) {
	if (inNodeOptions(env, '--max-old-space-size')) return undefined
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
		if (heap !== undefined) {
			flags.push(`--max-old-space-size=${heap}`, `--heap-growing-percent=${APP_HEAP_GROWING_PERCENT}`)
			if (!inNodeOptions(env, '--max-semi-space-size')) flags.push(`--max-semi-space-size=${APP_MAX_SEMI_SPACE_MB}`)
		}
	}
	return flags
}
