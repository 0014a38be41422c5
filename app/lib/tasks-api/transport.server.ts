/**
 * How the BFF client reaches the task API: undici's request() on a
 * keep-alive connection pool (not global fetch: its WHATWG Request/Response
 * objects cost the BFF hop about 3 ms of CPU per page; docs/decisions). One
 * Pool per origin (there is one: TASKS_API_URL's), asked directly rather
 * than through an Agent that looks the pool up on every call. Each call
 * ends at its timeout or when the browser goes away (the request's
 * AbortSignal, aborted by the Node server when the connection closes),
 * whichever comes first: the API stops working for nobody.
 */
import { Pool } from 'undici'
import type { UnavailableReason } from './errors.server.ts'

/** Keep-alive connections to the task API, shared by every request of this process. */
const pools = new Map<string, Pool>()
function poolFor(origin: string): Pool {
	let pool = pools.get(origin)
	if (!pool) {
		pool = new Pool(origin, { keepAliveTimeout: 30_000, connections: 128 })
		pools.set(origin, pool)
	}
	return pool
}

/** The task API's answer, read once: status, a header, the JSON body, or nothing. */
export type ApiAnswer = {
	status: number
	ok: boolean
	header(name: string): string | null
	json(): Promise<unknown>
	/** Drops the body (the connection goes back to the pool). */
	discard(): Promise<void>
}

export async function sendToApi(
	url: string,
	init: { method: string; headers: Record<string, string>; body?: string; timeoutMs: number; signal: AbortSignal },
): Promise<ApiAnswer> {
	const { origin, pathname, search } = new URL(url)
	const { statusCode, headers, body } = await poolFor(origin).request({
		path: pathname + search,
		method: init.method as 'GET',
		headers: init.headers,
		body: init.body,
		// The browser gone (the request's signal) or the timeout: undici
		// closes the connection, so the API stops too.
		signal: AbortSignal.any([init.signal, AbortSignal.timeout(init.timeoutMs)]),
	})
	return {
		status: statusCode,
		ok: statusCode >= 200 && statusCode < 300,
		header(name) {
			const value = headers[name.toLowerCase()]
			return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value
		},
		json: () => body.json(),
		discard: () => body.dump().then(() => undefined),
	}
}

const TIMEOUT_ERRORS = new Set(['TimeoutError', 'AbortError', 'RequestAbortedError', 'HeadersTimeoutError', 'BodyTimeoutError'])

/** Why a request that threw never got an answer: it timed out, or the API could not be reached. */
export function unreachableReason(error: unknown): UnavailableReason {
	const name = error instanceof Error ? error.name : ''
	return TIMEOUT_ERRORS.has(name) ? 'timeout' : 'unreachable'
}
