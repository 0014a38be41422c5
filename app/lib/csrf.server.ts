/**
 * Cross-site request forgery guard, run (from the root middleware) before any
 * action or auth route sees a state-changing request. The request must come
 * from the app's own origin: its Origin header, or without one
 * `Sec-Fetch-Site: same-origin`, or without both its Referer's origin.
 * A request with none of them is refused too: browsers always send one.
 */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

export function isSafeMethod(method: string): boolean {
	return SAFE_METHODS.has(method.toUpperCase())
}

export function isSameOriginRequest(request: Request, allowedOrigins: readonly string[]): boolean {
	const origin = request.headers.get('origin')
	if (origin !== null) return allowedOrigins.includes(origin)
	const fetchSite = request.headers.get('sec-fetch-site')
	if (fetchSite !== null) return fetchSite === 'same-origin'
	const referer = request.headers.get('referer')
	if (referer !== null) {
		try {
			return allowedOrigins.includes(new URL(referer).origin)
		} catch {
			return false
		}
	}
	return false
}

export function crossSiteRefusal(): Response {
	return new Response('Cross-site request refused.', {
		status: 403,
		headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
	})
}
