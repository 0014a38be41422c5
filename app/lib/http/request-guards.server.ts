/**
 * Cross-site request forgery guard. A state-changing request must come from
 * the app's own origin: its Origin header, or without one
 * `Sec-Fetch-Site: same-origin`, or without both its Referer's origin. A
 * request with none of them is refused too: browsers always send one.
 *
 * It runs once, in the HTTP server (app-server.ts, in dev and production
 * alike), for every request before anything reads it: before React Router,
 * whose own origin check would otherwise answer 400 (and for actions only),
 * and before Better Auth.
 */
import { isLoopbackUrl } from '#common/env.ts'

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

export function isSafeMethod(method: string): boolean {
	return SAFE_METHODS.has(method.toUpperCase())
}

type HeaderReader = { get(name: string): string | null | undefined }

export function isSameOriginRequest(request: { headers: HeaderReader }, allowedOrigins: readonly string[]): boolean {
	const origin = request.headers.get('origin')
	if (origin != null) return allowedOrigins.includes(origin)
	const fetchSite = request.headers.get('sec-fetch-site')
	if (fetchSite != null) return fetchSite === 'same-origin'
	const referer = request.headers.get('referer')
	if (referer != null) {
		try {
			return allowedOrigins.includes(new URL(referer).origin)
		} catch {
			return false
		}
	}
	return false
}

/**
 * The origins a POST may come from: the app's public origin, plus, when it
 * runs locally, the other loopback spellings of it (localhost, 127.0.0.1,
 * [::1] on the same port).
 */
export function allowedOrigins(baseUrl: string): string[] {
	const url = new URL(baseUrl)
	if (!isLoopbackUrl(baseUrl)) return [url.origin]
	const port = url.port ? `:${url.port}` : ''
	return [url.origin, ...['localhost', '127.0.0.1', '[::1]'].map((host) => `${url.protocol}//${host}${port}`)].filter(
		(origin, index, all) => all.indexOf(origin) === index,
	)
}

export const CROSS_SITE_REFUSAL = 'Cross-site request refused.'
