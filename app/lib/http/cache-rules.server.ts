/**
 * Cache rules: Cache-Control: no-store on every response that is about a
 * signed-in user or an auth exchange, set once by the root middleware
 * (response-headers.server.ts) for everything React Router answers. Routes
 * do not set it themselves.
 */
import { pagePathOf } from './redirect.ts'

const SESSION_COOKIE = /(?:^|;\s*)(?:__Host-|__Secure-)?taskwell\.session_token=/

const PRIVATE_PATHS = [
	'/api/auth/',
	'/settings',
	'/reset-password',
	'/forgot-password',
	'/verify-email',
	'/dev/outbox',
	'/login',
	'/signup',
	'/logout',
]

/**
 * Never cached by the browser or anything in between: anything a signed-in
 * browser asks for, any response that sets a cookie, any state change, and
 * the auth pages and endpoints.
 */
export function isPrivateResponse(request: Request, response: Response): boolean {
	if (request.method !== 'GET' && request.method !== 'HEAD') return true
	if (SESSION_COOKIE.test(request.headers.get('cookie') ?? '')) return true
	if (response.headers.getSetCookie().length > 0) return true
	const { pathname } = new URL(request.url)
	const path = pagePathOf(pathname)
	return PRIVATE_PATHS.some((prefix) => path === prefix || path.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`))
}
