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
 *
 * The database behind sessions failing (the session read here, or the reads
 * and writes of minting a task API token: sessionStoreUnavailable) is a 503
 * with Retry-After, "Taskwell is having trouble" (lib/http/trouble.ts), never a
 * 500 and never a sign-out. The holder remembers it, and sessionMiddleware
 * sets Retry-After on the response React Router makes of it: React Router
 * keeps only the Set-Cookie headers of a thrown Response when it renders the
 * error page (or the `.data` answer) for it.
 */
import { eq } from 'drizzle-orm'
import { redirect, type MiddlewareFunction } from 'react-router'
import {
	expiredLegacyCookies,
	legacyAuthCookies,
	movedAuthCookies,
	sessionTokenSetBy,
	startsTwoFactorChallenge,
	type LegacyAuthCookies,
} from './cookies.server.ts'
import { auth } from './better-auth.server.ts'
import { db } from '#app/lib/db.server.ts'
import { session as sessionTable } from '#app/lib/db/schema.ts'
import { getEnv } from '#app/lib/env.server.ts'
import { logger } from '#app/lib/logger.server.ts'
import { loginRedirectUrl, DEFAULT_REDIRECT } from '#app/lib/http/redirect.ts'
import { clientIpContext, sessionHolderContext, userContext, type ContextReader } from '#app/context.server.ts'
import { cachedSessionLookup, forgetAllCachedSessions, forgetCachedSessionsOf } from './session-cache.server.ts'
import { TROUBLE_MESSAGE, TROUBLE_RETRY_AFTER_SECONDS } from '#app/lib/http/trouble.ts'
import { IMPERSONATION_SECONDS } from './admin-access.server.ts'

/**
 * timeZone: the browser's, remembered on the account (null until JavaScript has sent it).
 * role: `user` or `admin` (Better Auth's admin plugin; lib/auth/admin-access.server.ts).
 */
export type SessionUser = { id: string; name: string; email: string; timeZone: string | null; role: string; emailVerified?: boolean }
export type CurrentSession = {
	user: SessionUser
	/**
	 * createdAt: when this session was signed in (a recent sign-in proves more; email-change-code.server.ts).
	 * impersonatedBy: the admin acting as the user in this session (null for the user's own sessions).
	 */
	session: { id: string; token: string; expiresAt: Date; createdAt: Date; impersonatedBy: string | null }
}

export type SessionHolder = {
	load: () => Promise<CurrentSession | null>
	setCookies: string[]
	/** Whether load() was called (its result may still be pending). */
	loaded: boolean
	/** The Cookie header auth.api reads: the request's, with an accepted old-name session under its new name. */
	cookieHeader: string | null
	/** Whether the HTTP request is a GET or HEAD (loaders rendering after an action get a GET of their own). */
	readOnly: boolean
	/** Whether the database failed this request (sessionStoreUnavailable): its 503 gets Retry-After. */
	storeFailed: boolean
	/**
	 * Set by an action whose new session must not end the one the browser had
	 * (an admin starting or stopping to act as a user: the admin's session
	 * waits aside, see endReplacedSession).
	 */
	keepsReplacedSession: boolean
}

/** What one Better Auth lookup found, shared by the requests that reuse it (session-cache.server.ts). */
type Lookup = { current: CurrentSession | null; setCookies: string[] }

/**
 * Headers to hand to auth.api for this request: the browser's own headers,
 * with X-Forwarded-For replaced by the client IP the HTTP layer resolved
 * (a browser-supplied X-Forwarded-For is never trusted here).
 */
export function authHeaders(request: Request, context: ContextReader): Headers {
	const headers = new Headers(request.headers)
	const cookie = context.get(sessionHolderContext)?.cookieHeader
	if (cookie) headers.set('cookie', cookie)
	headers.delete('x-forwarded-for')
	const ip = context.get(clientIpContext)
	if (ip) headers.set('x-forwarded-for', ip)
	return headers
}

/**
 * The session could not be looked up, or a task API token not minted (the
 * database is down or restarting): a temporary server fault, answered 503
 * with Retry-After, never a 500 and never a sign-out. The error is logged at
 * warn, scrubbed of query values.
 */
function storeUnavailable(holder: SessionHolder, error: unknown, what: string): never {
	holder.storeFailed = true
	logger.warn({ err: error }, `${what} failed: answering 503`)
	throw new Response(TROUBLE_MESSAGE, {
		status: 503,
		statusText: 'Service Unavailable',
		headers: { 'Retry-After': String(TROUBLE_RETRY_AFTER_SECONDS), 'Cache-Control': 'no-store' },
	})
}

/**
 * For the task API client (tasks-api/token-cache.server.ts): minting this request's
 * token failed on the database (the session Better Auth reads again, the
 * signing keys it reads and may create). Thrown as the same 503.
 */
export function sessionStoreUnavailable(request: Request, context: ContextReader, error: unknown): never {
	storeUnavailable(holderOf(request, context), error, 'minting a task API token')
}

function createHolder(request: Request, context: ContextReader): SessionHolder {
	let pending: Promise<CurrentSession | null> | undefined
	// A browser still holding the session cookie under its pre-__Host- name
	// (cookies.server.ts): looked up under the new name, kept only for a
	// session made before the rename.
	const legacy = legacyAuthCookies(request.headers.get('cookie'), getEnv().isHttps)
	const lookup = async (): Promise<Lookup> => {
		const headers = authHeaders(request, context)
		if (legacy) headers.set('cookie', legacy.header)
		const found = await auth.api.getSession({ headers, returnHeaders: true })
		// The admin plugin's fields (Better Auth's inferred types leave plugin fields out here).
		const response = found.response as
			(NonNullable<typeof found.response> & { user: { role?: string | null }; session: { impersonatedBy?: string | null } }) | null
		const result: Lookup = {
			setCookies: found.headers.getSetCookie(),
			current:
				response && !impersonationOver(response.session)
					? {
							user: {
								id: response.user.id,
								name: response.user.name,
								email: response.user.email,
								timeZone: response.user.timeZone ?? null,
								role: response.user.role ?? 'user',
								emailVerified: response.user.emailVerified,
							},
							session: {
								id: response.session.id,
								token: response.session.token,
								expiresAt: response.session.expiresAt,
								createdAt: response.session.createdAt,
								impersonatedBy: response.session.impersonatedBy ?? null,
							},
						}
					: null,
		}
		return legacy ? movedFromLegacyName(result, legacy) : result
	}
	const holder: SessionHolder = {
		setCookies: [],
		loaded: false,
		cookieHeader: null,
		readOnly: isReadOnly(request),
		storeFailed: false,
		keepsReplacedSession: false,
		load() {
			holder.loaded = true
			pending ??= (async () => {
				const cookie = request.headers.get('cookie')
				if (!cookie) return null
				// Pages (GET, HEAD) reuse a lookup younger than SESSION_CACHE_MS;
				// a state change always asks Better Auth.
				const found = await (isReadOnly(request) ? cachedSessionLookup(cookie, lookup, (value) => value.current?.user.id) : lookup()).catch(
					(error: unknown) => storeUnavailable(holder, error, 'session lookup'),
				)
				holder.setCookies.push(...found.setCookies)
				if (legacy && found.current) holder.cookieHeader = legacy.header
				return found.current
			})()
			return pending
		},
	}
	return holder
}

/**
 * An old-name session cookie is a session only when its row says it was made
 * before the rename (legacy_cookie_until, still in the future); the browser is
 * then given the new name. Otherwise it is what a sibling subdomain could have
 * set: no session, and the cookie is removed.
 */
async function movedFromLegacyName(found: Lookup, legacy: LegacyAuthCookies): Promise<Lookup> {
	if (!found.current) return { current: null, setCookies: [...found.setCookies, ...expiredLegacyCookies(legacy)] }
	const [row] = await db
		.select({ until: sessionTable.legacyCookieUntil })
		.from(sessionTable)
		.where(eq(sessionTable.id, found.current.session.id))
	if (!row?.until || row.until <= new Date()) {
		logger.warn({ event: 'legacy-session-cookie-refused' }, 'an old-name session cookie for a session made since the rename: not a session')
		return { current: null, setCookies: expiredLegacyCookies(legacy) }
	}
	// Better Auth's own refresh (under the new name) has the last word.
	const refreshed = found.setCookies.some((cookie) => sessionTokenSetBy(cookie) !== null)
	return {
		current: found.current,
		setCookies: refreshed
			? [...found.setCookies, ...expiredLegacyCookies(legacy)]
			: [...found.setCookies, ...movedAuthCookies(legacy, found.current.session.expiresAt)],
	}
}

const isReadOnly = (request: Request) => request.method === 'GET' || request.method === 'HEAD'

/**
 * An impersonation session lasts at most IMPERSONATION_SECONDS from its
 * start, whatever its row's expiry says (Better Auth would extend a session
 * it refreshes): past that it is no session.
 */
function impersonationOver(session: { impersonatedBy?: string | null; createdAt: Date }, now = Date.now()): boolean {
	return Boolean(session.impersonatedBy) && new Date(session.createdAt).getTime() + IMPERSONATION_SECONDS * 1000 <= now
}

/**
 * A response that starts a session (any way of signing in or up: password,
 * second step, emailed link, provider callback, passkey) ends the session
 * the browser had, whoever's it was: a session planted in the browser, or
 * one left by someone else on a shared computer, never outlives a sign-in.
 */
async function endReplacedSession(holder: SessionHolder, request: Request, response: Response): Promise<void> {
	const setCookies = response.headers.getSetCookie()
	const newToken = setCookies.map(sessionTokenSetBy).find((token) => token !== null)
	// The right password of an account with two-factor on: the browser is on
	// its way into that account (its second step), so it already leaves the old one.
	if (!newToken && !setCookies.some(startsTwoFactorChallenge)) return
	if (!request.headers.get('cookie') || holder.keepsReplacedSession) return
	const previous = await holder.load().catch(() => null)
	if (!previous || previous.session.token === newToken) return
	const ctx = await auth.$context
	await ctx.internalAdapter.deleteSession(previous.session.token)
	logger.info({ event: 'previous-session-ended', userId: previous.user.id }, 'a new session replaced the one the browser had; it was ended')
}

export const sessionMiddleware: MiddlewareFunction<Response> = async ({ request, context }, next) => {
	const holder = createHolder(request, context)
	context.set(sessionHolderContext, holder)
	let response: Response
	try {
		response = await next()
		await endReplacedSession(holder, request, response)
	} finally {
		// A state change (sign-out, password change, a name change, …) is
		// seen at once by this instance's next page.
		if (!isReadOnly(request) && request.headers.get('cookie')) await forgetCachedSessionsAfter(holder)
	}
	// The error page (or `.data` answer) React Router made of the 503 thrown
	// above has lost its Retry-After.
	if (holder.storeFailed && response.status === 503) {
		response.headers.set('Retry-After', String(TROUBLE_RETRY_AFTER_SECONDS))
		response.headers.set('Cache-Control', 'no-store')
	}
	// An action that signed in or out already set the session cookie: its
	// word is final.
	const alreadySetsSession = response.headers.getSetCookie().some((cookie) => /session_token=/.test(cookie))
	if (!alreadySetsSession) {
		for (const cookie of holder.setCookies) response.headers.append('set-cookie', cookie)
	}
	return response
}

async function forgetCachedSessionsAfter(holder: SessionHolder): Promise<void> {
	const userId = holder.loaded
		? await holder.load().then(
				(current) => current?.user.id,
				() => undefined,
			)
		: undefined
	if (userId) forgetCachedSessionsOf(userId)
	else forgetAllCachedSessions()
}

function holderOf(request: Request, context: ContextReader): SessionHolder {
	const existing = context.get(sessionHolderContext)
	if (existing) return existing
	// Outside the middleware (e.g. a unit test calling a loader directly).
	return createHolder(request, context)
}

/**
 * Whether the HTTP request only reads (GET, HEAD; the loaders after an
 * action get a GET of their own, so their request cannot tell): what
 * session-cache.server.ts's cachedForUser may serve.
 */
export function onlyReads(request: Request, context: ContextReader): boolean {
	return holderOf(request, context).readOnly
}

export async function getCurrentSession(request: Request, context: ContextReader): Promise<CurrentSession | null> {
	return holderOf(request, context).load()
}

/** For the actions that start or stop an impersonation: their new session does not end the browser's previous one. */
export function keepReplacedSession(request: Request, context: ContextReader): void {
	holderOf(request, context).keepsReplacedSession = true
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

/**
 * For the loaders of /, /login, /signup and /login/two-factor: a signed-in
 * browser that opens the page goes straight to its tasks. Not when the page
 * is rendered after its own form's POST (React Router hands the loaders a
 * GET of their own, so the HTTP request's method comes from the session
 * holder): a failed sign-in in a browser that holds another session shows
 * its error there, and changes nothing.
 */
export async function requireAnonymous(request: Request, context: ContextReader): Promise<void> {
	if (!holderOf(request, context).readOnly) return
	if (await getUser(request, context)) throw redirect(DEFAULT_REDIRECT)
}
