/**
 * The signed-in user for the current request, resolved once per request
 * (however many loaders ask) through Better Auth, plus the helpers route
 * modules use: requireUser() throws a redirect to /login, requireAnonymous()
 * sends signed-in users to /tasks.
 *
 * sessionMiddleware (installed on the root route) creates the per-request
 * holder and, after the response is ready, forwards any Set-Cookie Better
 * Auth produced while resolving the session (the daily refresh of a
 * remembered session, or the removal of a stale cookie).
 */
import { createContext, redirect, type MiddlewareFunction, type RouterContextProvider } from 'react-router'
import { auth } from './auth.server.ts'
import { loginRedirectUrl, DEFAULT_REDIRECT } from './redirect.ts'
import { clientIpContext } from './request-context.server.ts'

export type SessionUser = { id: string; name: string; email: string }
export type CurrentSession = {
	user: SessionUser
	session: { id: string; token: string; expiresAt: Date }
}

type SessionHolder = {
	load: () => Promise<CurrentSession | null>
	setCookies: string[]
}

const sessionHolderContext = createContext<SessionHolder | null>(null)

type ContextReader = Pick<Readonly<RouterContextProvider>, 'get'>

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

function createHolder(request: Request, context: ContextReader): SessionHolder {
	let pending: Promise<CurrentSession | null> | undefined
	const holder: SessionHolder = {
		setCookies: [],
		load() {
			pending ??= (async () => {
				if (!request.headers.get('cookie')) return null
				const { headers, response } = await auth.api.getSession({
					headers: authHeaders(request, context),
					returnHeaders: true,
				})
				holder.setCookies.push(...headers.getSetCookie())
				if (!response) return null
				const { user, session } = response
				return {
					user: { id: user.id, name: user.name, email: user.email },
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
	const alreadySetsSession = response.headers
		.getSetCookie()
		.some((cookie) => /session_token=/.test(cookie))
	if (!alreadySetsSession) {
		for (const cookie of holder.setCookies) response.headers.append('set-cookie', cookie)
	}
	return response
}

function holderOf(request: Request, context: RouterContextProvider | ContextReader): SessionHolder {
	const existing = context.get(sessionHolderContext)
	if (existing) return existing
	// Outside the middleware (e.g. a unit test calling a loader directly).
	return createHolder(request, context)
}

export async function getCurrentSession(
	request: Request,
	context: ContextReader,
): Promise<CurrentSession | null> {
	return holderOf(request, context).load()
}

export async function getUser(request: Request, context: ContextReader): Promise<SessionUser | null> {
	return (await getCurrentSession(request, context))?.user ?? null
}

/** The signed-in user, or a redirect to /login?redirectTo=<this page>. */
export async function requireUser(request: Request, context: ContextReader): Promise<SessionUser> {
	const user = await getUser(request, context)
	if (!user) throw redirect(loginRedirectUrl(request))
	return user
}

/** For /login and /signup: signed-in users go straight to their tasks. */
export async function requireAnonymous(request: Request, context: ContextReader): Promise<void> {
	if (await getUser(request, context)) throw redirect(DEFAULT_REDIRECT)
}
