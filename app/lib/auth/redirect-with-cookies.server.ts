/**
 * Passing Better Auth's cookies on: auth.api runs on the server and answers
 * with the Set-Cookie headers the browser must get (a new or replaced
 * session, an expired one, a provider's state cookie); the page's redirect or
 * reply carries exactly those. Used by the sign-in pages, Settings and /logout.
 */
import { redirect } from 'react-router'

/** The Set-Cookie headers of a Better Auth answer, after `init`'s headers. */
export function authCookieHeaders(authResponseHeaders: Headers, init?: HeadersInit): Headers {
	const headers = new Headers(init)
	for (const cookie of authResponseHeaders.getSetCookie()) headers.append('set-cookie', cookie)
	return headers
}

/** A redirect that carries every cookie Better Auth set. */
export function redirectWithAuthCookies(to: string, authResponseHeaders: Headers, init?: HeadersInit): Response {
	return redirect(to, { headers: authCookieHeaders(authResponseHeaders, init) })
}
