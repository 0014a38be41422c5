/**
 * Where the time went, from a V8 CPU profile (`node --cpu-prof`, written by
 * `BENCH_PROFILE=1 npm run bench` into bench/.build/profiles/<process>/).
 *
 *   npx tsx bench/profile-summary.ts bench/.build/profiles/app-Postgres/*.cpuprofile
 *
 * Each sample goes to the part of the frame nearest its leaf that belongs to
 * one (garbage collection first): a middleware that calls `next()` (helmet,
 * compression) is not charged with what runs after it, and React Router's
 * components count as React Router, not as the render that calls them.
 * Shares are of the busy (non-idle) time.
 */
import { readFileSync } from 'node:fs'

type Frame = { functionName: string; url: string }
type Node = { id: number; callFrame: Frame; children?: number[] }
type Profile = { nodes: Node[]; samples: number[]; timeDeltas: number[] }

const has = (pattern: RegExp) => (frame: Frame) => pattern.test(frame.url)
const PARTS: Array<[string, (frame: Frame) => boolean]> = [
	['garbage collection', (frame) => frame.functionName === '(garbage collector)'],
	// pino: Taskwell's request log; morgan: the bare app's (react-router-serve).
	['logging (pino, morgan)', has(/\/(pino|sonic-boom|thread-stream|fast-redact|@pinojs|morgan)\//)],
	['compression', (frame) => /\/compression\//.test(frame.url) || /zlib/.test(frame.url)],
	[
		'security headers and CSP nonce',
		(frame) =>
			/\/helmet\//.test(frame.url) ||
			/^(contentSecurityPolicy|documentSecurityHeaders|createNonce|applyHeaders|isPrivateResponse|malformedBody|bodySizeRefusal)$/.test(
				frame.functionName,
			),
	],
	['token verification (jose)', has(/\/jose\//)],
	[
		'cookie signature checks (HMAC)',
		(frame) => /better-call|better-auth/.test(frame.url) && /^(verifySignature|getSignedCookie|verify|sign)$/.test(frame.functionName),
	],
	['session lookup (Better Auth)', has(/better-auth|better-call|@better-auth/)],
	['the API call (undici)', has(/\/node_modules\/undici\//)],
	// Node's own copy of undici: the web Request and Response that React Router's Node adapter makes of each request.
	['web Request/Response (Node)', has(/^node:internal\/deps\/undici/)],
	['validation (zod, @hono/zod-openapi)', has(/\/(zod|@hono\/zod-openapi|@hono\/zod-validator)\//)],
	['rendering (react-dom/server)', has(/react-dom/)],
	['database (drizzle)', has(/drizzle-orm/)],
	['database driver (postgres.js, PGlite)', has(/\/(postgres|@electric-sql\/pglite)\//)],
	// Not the packages React Router's own packages bring (react-router-serve's express).
	['React Router (routing, data, middleware)', has(/\/node_modules\/(react-router|@react-router\/[^/]+)\/(?!node_modules\/)/)],
	['Hono', has(/\/hono\//)],
	['express', has(/\/(express|router|body-parser|send|serve-static|finalhandler)\//)],
]

for (const file of process.argv.slice(2)) {
	const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile
	const byId = new Map(profile.nodes.map((node) => [node.id, node]))
	const parent = new Map<number, number>()
	for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id)
	const totals = new Map<string, number>()
	const memo = new Map<number, string>()
	let busy = 0
	profile.samples.forEach((id, i) => {
		const delta = profile.timeDeltas[i] ?? 0
		const leaf = byId.get(id)!
		if (leaf.callFrame.functionName === '(idle)') return
		busy += delta
		let part = memo.get(id)
		if (!part) {
			// From the leaf up: the first frame that belongs to a part.
			for (let at: number | undefined = id; at !== undefined && !part; at = parent.get(at)) {
				const frame = byId.get(at)!.callFrame
				part = PARTS.find(([, test]) => test(frame))?.[0]
			}
			part ??= 'other (node:http, streams, JSON, our code)'
			memo.set(id, part)
		}
		totals.set(part, (totals.get(part) ?? 0) + delta)
	})
	console.log(`\n${file}: ${(busy / 1e6).toFixed(1)} s busy`)
	for (const [part, time] of [...totals].sort((a, b) => b[1] - a[1])) {
		console.log(`  ${part.padEnd(44)} ${((time / busy) * 100).toFixed(1).padStart(5)} %`)
	}
}
