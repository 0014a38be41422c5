/**
 * The signed-in user for the current request, resolved once per request
 * (however many loaders ask) through Better Auth, plus the helpers route
 * modules use: requireAnonymous() sends signed-in users to /tasks.
 *
 * Signed-in pages sit under the layout route routes/_signed-in.tsx, whose
 * requireUserMiddleware resolves the session once and puts it into
 * userContext (or redirects to /login?redirectTo=<this page>): their loaders
 * and actions read `context.get(userContext)`.
 *
 * sessionMiddleware (installed on the root route) creates the per-request
 * holder and, after the response is ready, forwards any Set-Cookie Better
 * Auth produced while resolving the session (the daily refresh of a
 * remembered session, or the removal of a stale cookie).
 */
import { createContext, redirect, type MiddlewareFunction } from 'react-router'
import { auth } from './auth.server.ts'
import { logger } from './logger.server.ts'
import { loginRedirectUrl, DEFAULT_REDIRECT } from './redirect.ts'
import { clientIpContext, type ContextReader } from './request-context.server.ts'

/** timeZone: the browser's, remembered on the account (null until JavaScript has sent it). */
export type SessionUser = { id: string; name: string; email: string; timeZone: string | null }
export type CurrentSession = {
	user: SessionUser
	session: { id: string; token: string; expiresAt: Date }
}

type SessionHolder = {
	load: () => Promise<CurrentSession | null>
	setCookies: string[]
}

const sessionHolderContext = createContext<SessionHolder | null>(null)

/** The signed-in user and session; set by requireUserMiddleware (no default: reading it elsewhere throws). */
export const userContext = createContext<CurrentSession>()

/**
 * Headers to hand to auth.api for this request: the browser's own headers,
 * with X-Forwarded-For replaced by the client IP the HTTP layer resolved
 * (a browser-supplied X-Forwarded-For is never trusted here).
 */
export function authHeaders(request: Request, context: ContextReader): Headers {
	const headers = new Headers(request.headers)
	headers.delete('x-forwarded-for')
	const ip = context.get(clientIpContext)
	if (ip) headers.set('x-forwarded-for', ip)
	return headers
}

/**
 * The session could not be looked up (the database is down or restarting):
 * a temporary server fault, answered 503 with Retry-After, never a 500 and
 * never a sign-out. The error is logged at warn, scrubbed of query values.
 */
function sessionStoreUnavailable(error: unknown): never {
	logger.warn({ err: error }, 'session lookup failed: answering 503')
	throw new Response(SESSION_UNAVAILABLE_MESSAGE, {
		status: 503,
		statusText: 'Service Unavailable',
		headers: { 'Retry-After': '5', 'Cache-Control': 'no-store' },
	})
}

export const SESSION_UNAVAILABLE_MESSAGE = 'Taskwell is temporarily unavailable. Please try again in a moment.'

function createHolder(request: Request, context: ContextReader): SessionHolder {
	let pending: Promise<CurrentSession | null> | undefined
	const holder: SessionHolder = {
		setCookies: [],
		load() {
			pending ??= (async () => {
				if (!request.headers.get('cookie')) return null
				const { headers, response } = await auth.api
					.getSession({ headers: authHeaders(request, context), returnHeaders: true })
					.catch((error: unknown) => sessionStoreUnavailable(error))
				holder.setCookies.push(...headers.getSetCookie())
				if (!response) return null
				const { user, session } = response
				return {
					user: { id: user.id, name: user.name, email: user.email, timeZone: user.timeZone ?? null },
					session: { id: session.id, token: session.token, expiresAt: session.expiresAt },
				}
			})()
			return pending
		},
	}
	return holder
}

export const sessionMiddleware: MiddlewareFunction<Response> = async ({ request, context }, next) => {
	const holder = createHolder(request, context)
	context.set(sessionHolderContext, holder)
	const response = await next()
	// An action that signed in or out already set the session cookie: its
	// word is final.
	const alreadySetsSession = response.headers.getSetCookie().some((cookie) => /session_token=/.test(cookie))
	if (!alreadySetsSession) {
		for (const cookie of holder.setCookies) response.headers.append('set-cookie', cookie)
	}
	return response
}

function holderOf(request: Request, context: ContextReader): SessionHolder {
	const existing = context.get(sessionHolderContext)
	if (existing) return existing
	// Outside the middleware (e.g. a unit test calling a loader directly).
	return createHolder(request, context)
}

export async function getCurrentSession(request: Request, context: ContextReader): Promise<CurrentSession | null> {
	return holderOf(request, context).load()
}

export async function getUser(request: Request, context: ContextReader): Promise<SessionUser | null> {
	return (await getCurrentSession(request, context))?.user ?? null
}

/**
 * The gate of every signed-in page (routes/_signed-in.tsx): the session into
 * userContext, or a redirect to /login?redirectTo=<this page> (for a `.data`
 * request too: the page, not the data endpoint).
 */
export const requireUserMiddleware: MiddlewareFunction<Response> = async ({ request, context }, next) => {
	const current = await getCurrentSession(request, context)
	if (!current) throw redirect(loginRedirectUrl(request))
	context.set(userContext, current)
	return next()
}

/** For /, /login and /signup: signed-in users go straight to their tasks. */
export async function requireAnonymous(request: Request, context: ContextReader): Promise<void> {
	if (await getUser(request, context)) throw redirect(DEFAULT_REDIRECT)
}

/** requireAnonymous() as a route middleware (a page whose loader and action are both anonymous-only). */
export const requireAnonymousMiddleware: MiddlewareFunction<Response> = async ({ request, context }, next) => {
	await requireAnonymous(request, context)
	return next()
}
