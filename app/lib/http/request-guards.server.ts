/**
 * The guards every request passes before anything reads it. The HTTP server
 * (app-server.ts, in dev and production alike) runs the first three, in
 * this order, for every request, static files included:
 *
 * - Methods: pages are read with GET (HEAD) and every form posts; nothing
 *   else is ever needed. Anything else (TRACE, PUT, DELETE, OPTIONS, …) is
 *   refused with 405 and an Allow header before it reaches React Router,
 *   whose request adapter cannot even build a Request for TRACE (it
 *   answered 500 with a stack trace in the log).
 * - Cross-site request forgery: a state-changing request must come from the
 *   app's own origin: its Origin header, or without one
 *   `Sec-Fetch-Site: same-origin`, or without both its Referer's origin. A
 *   request with none of them is refused too: browsers always send one.
 *   Checked once, before React Router, whose own origin check would
 *   otherwise answer 400 (and for actions only), and before Better Auth.
 * - Body size: React Router reads request bodies itself, unbounded, so big
 *   ones are refused up front by Content-Length (413; 411 for a chunked body
 *   without one). The only place the limit is checked.
 *
 * The root middleware (app/root.tsx) adds the fourth, for what React Router
 * answers: a body that is not a well-formed form gets 415 or 400
 * (formBodyMiddleware), never a 500 from request.formData().
 *
 * No database or auth imports here: app-server.ts bundles this file too.
 */
import type { MiddlewareFunction } from 'react-router'
import { isLoopbackUrl } from '#common/env.ts'

export const ALLOWED_METHODS = ['GET', 'HEAD', 'POST'] as const
export const ALLOW_HEADER = ALLOWED_METHODS.join(', ')
export const METHOD_NOT_ALLOWED_MESSAGE = 'Method not allowed.'

export function isAllowedMethod(method: string | undefined): boolean {
	return (ALLOWED_METHODS as readonly string[]).includes((method ?? '').toUpperCase())
}

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

/**
 * The token endpoints (app/routes/api/tokens/) are for programs (scripts,
 * the command line), which send no Origin and no Sec-Fetch-Site: such a
 * POST there passes without a same-origin proof. Nothing there reads a
 * cookie (a bearer secret or a device code in the request is the only
 * credential), so a session riding along grants nothing. A browser always
 * says where its POST comes from: a cross-site one is still refused.
 */
export const TOKEN_ENDPOINTS_PATH = '/api/tokens/'

export function isProgramTokenRequest(path: string, header: (name: string) => string | undefined): boolean {
	return path.startsWith(TOKEN_ENDPOINTS_PATH) && header('origin') === undefined && header('sec-fetch-site') === undefined
}

/** Form posts are small; Better Auth's JSON endpoints get a little more. */
export const MAX_BODY_BYTES = 64 * 1024
export const MAX_AUTH_BODY_BYTES = 1024 * 1024

export type BodyRefusal = { status: 411 | 413; message: string }

/**
 * Whether a request's body may be read: 413 above the limit (by
 * Content-Length; browsers send it), 411 for a chunked body without one.
 * `header` reads a request header (undefined when absent).
 */
export function bodySizeRefusal(method: string, path: string, header: (name: string) => string | undefined): BodyRefusal | null {
	if (method === 'GET' || method === 'HEAD') return null
	const limit = path.startsWith('/api/auth/') ? MAX_AUTH_BODY_BYTES : MAX_BODY_BYTES
	const length = header('content-length')
	if (length === undefined && header('transfer-encoding')) return { status: 411, message: 'Content-Length required.' }
	if (length !== undefined && !(Number(length) <= limit)) return { status: 413, message: 'Request body too large.' }
	return null
}

const FORM_TYPES = /^\s*(application\/x-www-form-urlencoded|multipart\/form-data)\b/i

/**
 * Actions read their bodies with request.formData(); a body that is not a
 * well-formed form would make that throw and the request end in a 500.
 * Answer 415 (not a form) or 400 (a broken one) instead, before any action;
 * a request with no body at all is read as an empty form.
 * Better Auth's routes and the token endpoints parse and answer for themselves.
 */
export async function malformedBody(request: Request): Promise<Response | null> {
	if (request.method === 'GET' || request.method === 'HEAD') return null
	const { pathname } = new URL(request.url)
	// Better Auth's routes and the token endpoints (JSON) parse and answer for themselves.
	if (pathname.startsWith('/api/auth/') || pathname.startsWith(TOKEN_ENDPOINTS_PATH)) return null
	const type = request.headers.get('content-type') ?? ''
	const refuse = (status: number, message: string) =>
		new Response(message, { status, headers: { 'content-type': 'text/plain; charset=utf-8' } })
	if (!type) {
		const length = request.headers.get('content-length')
		if (length !== null && length !== '0') return refuse(415, 'Send forms as application/x-www-form-urlencoded.')
		// No body and no type (a bare `curl -X POST`): an empty form, so the
		// action sees no fields and answers its own 400 (or, like /logout,
		// needs none) instead of request.formData() throwing into a 500.
		try {
			request.headers.set('content-type', 'application/x-www-form-urlencoded')
		} catch {
			return refuse(400, 'Send forms as application/x-www-form-urlencoded.')
		}
		return null
	}
	try {
		if (FORM_TYPES.test(type)) await request.clone().formData()
		// Every action reads a form (conform, progressive enhancement), so JSON
		// or text would only make it fail.
		else return refuse(415, 'Send forms as application/x-www-form-urlencoded.')
	} catch {
		return refuse(400, 'Malformed request body.')
	}
	return null
}

/** The root middleware's form check: malformedBody's refusal, else the routes. */
export const formBodyMiddleware: MiddlewareFunction<Response> = async ({ request }, next) => (await malformedBody(request)) ?? next()
