/**
 * Where to send a user after sign-in. Only a same-site relative path is
 * honoured ("/tasks?status=active"); anything that could leave the site
 * ("//evil.com", "/\\evil.com", "https://…", "javascript:…") falls back.
 * The check applies to the value that is returned, i.e. after dot segments
 * are resolved: "/.//evil.com" and "/%2e//evil.com" normalise to
 * "//evil.com" and fall back too.
 */
export const DEFAULT_REDIRECT = '/tasks'

const PLACEHOLDER_ORIGIN = 'http://taskwell.invalid'

export function safeRedirect(to: FormDataEntryValue | string | null | undefined, fallback: string = DEFAULT_REDIRECT): string {
	if (typeof to !== 'string' || to.length === 0 || to.length > 2048) return fallback
	if (!to.startsWith('/') || to.startsWith('//')) return fallback
	// Browsers treat "\" like "/" and strip tabs/newlines: "/\evil.com" and
	// "/\t/evil.com" are protocol-relative in disguise.
	// eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
	if (/[\\\u0000-\u001f\u007f]/.test(to)) return fallback
	try {
		const url = new URL(to, PLACEHOLDER_ORIGIN)
		if (url.origin !== PLACEHOLDER_ORIGIN) return fallback
		const target = `${url.pathname}${url.search}${url.hash}`
		// What goes into Location must itself be a same-site path.
		if (!target.startsWith('/') || target.startsWith('//') || target.startsWith('/\\')) return fallback
		return target
	} catch {
		return fallback
	}
}

const DATA_SUFFIX = /(\/_root|(?<=\/)_)?\.data$/

/**
 * The page a path is about: single-fetch data requests carry a ".data"
 * suffix ("/a.data", "/a/_.data" for "/a/", "/_.data" for "/").
 */
export function pagePathOf(pathname: string): string {
	return pathname.replace(DATA_SUFFIX, '') || '/'
}

/** "/login?redirectTo=<path and query>" for a request that needs a session. */
export function loginRedirectUrl(request: Request): string {
	const url = new URL(request.url)
	// Back to the page, not to its data endpoint.
	const pathname = pagePathOf(url.pathname)
	url.searchParams.delete('_routes')
	url.searchParams.delete('index')
	const target = `${pathname}${url.search}`
	return `/login?redirectTo=${encodeURIComponent(target)}`
}
