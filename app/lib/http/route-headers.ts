/**
 * A route module's `headers()`: React Router builds a page's (or a `.data`
 * response's) headers only from what these functions return, so headers an
 * action or loader set are lost unless passed on here. This one keeps the
 * parent's, adds the route's fixed ones, and passes on Cache-Control and
 * Retry-After (a throttled form's 429) from the action, else the loader.
 *
 * Private responses need no Cache-Control here: the security headers
 * middleware sets `no-store` on every response for a signed-in browser, an
 * auth page or a state change (isPrivateResponse), the one rule for it.
 */
type HeadersArgs = { parentHeaders: Headers; actionHeaders: Headers; loaderHeaders: Headers }

const PASSED_ON = ['Cache-Control', 'Retry-After']

export function routeHeaders(fixed: Record<string, string> = {}) {
	return ({ parentHeaders, actionHeaders, loaderHeaders }: HeadersArgs): Headers => {
		const headers = new Headers(parentHeaders)
		for (const [name, value] of Object.entries(fixed)) headers.set(name, value)
		for (const name of PASSED_ON) {
			const value = actionHeaders.get(name) ?? loaderHeaders.get(name)
			if (value) headers.set(name, value)
		}
		return headers
	}
}
