/**
 * Response hardening.
 *
 * - The fixed headers (nosniff, Referrer-Policy, Cross-Origin-Opener-Policy,
 *   X-Frame-Options, HSTS on https) are set once, on every response, by the
 *   HTTP server (app-server.ts, in dev and production) through helmet with
 *   fixedSecurityHeaders() below, with NON_DOCUMENT_CSP as the fallback CSP.
 * - For everything React Router answers (documents, `.data` requests,
 *   resource routes such as /api/auth/*), the root middleware below sets the
 *   Content-Security-Policy: a page's, enforced, with a fresh nonce per
 *   request for React Router's inline scripts (entry.server.tsx reads it from
 *   nonceContext and hands it to <ServerRouter> and renderToPipeableStream),
 *   the strict one for anything else.
 * - Cache-Control: no-store on every response that is about a signed-in
 *   user or an auth exchange (see isPrivateResponse).
 * - An upper bound on request bodies (413).
 * - The signed-in user's id for the request log line (userIdContext).
 *
 * No database or auth imports here: app-server.ts bundles this file too.
 */
import { randomBytes } from 'node:crypto'
import type { HelmetOptions } from 'helmet'
import { createContext, type MiddlewareFunction } from 'react-router'
import { getEnv } from '#app/lib/env.server.ts'
import { providerFormActionOrigins } from '#app/lib/auth/providers.server.ts'

export const nonceContext = createContext<string | null>(null)
/** Set once the session is known; app-server.ts puts it in the request log line. */
export const userIdContext = createContext<string | null>(null)

/** Form posts are small; Better Auth's JSON endpoints get a little more. */
export const MAX_BODY_BYTES = 64 * 1024
export const MAX_AUTH_BODY_BYTES = 1024 * 1024

export function createNonce(): string {
	return randomBytes(18).toString('base64')
}

export function contentSecurityPolicy(nonce: string, { dev = false, https = false, formActionOrigins = [] as string[] } = {}): string {
	const directives: Record<string, string[]> = {
		'default-src': ["'self'"],
		// 'strict-dynamic': what a nonced script loads (the route modules) may
		// run; nothing else. Dev (Vite) injects scripts and styles of its own.
		'script-src': dev ? ["'self'", "'unsafe-inline'", "'unsafe-eval'"] : [`'nonce-${nonce}'`, "'strict-dynamic'"],
		'style-src': dev ? ["'self'", "'unsafe-inline'"] : ["'self'"],
		// style="" attributes only (no <style> elements): harmless, and handy.
		'style-src-attr': ["'unsafe-inline'"],
		'img-src': ["'self'", 'data:'],
		'font-src': ["'self'"],
		// Vite's HMR websocket in dev.
		'connect-src': dev ? ["'self'", 'ws:', 'wss:'] : ["'self'"],
		'object-src': ["'none'"],
		'base-uri': ["'none'"],
		'frame-ancestors': ["'none'"],
		// A "Continue with …" or "Link …" form is answered with a redirect to
		// the provider, which form-action governs too: its origin is allowed.
		'form-action': ["'self'", ...formActionOrigins],
	}
	const policy = Object.entries(directives).map(([name, values]) => `${name} ${values.join(' ')}`)
	if (https) policy.push('upgrade-insecure-requests')
	return policy.join('; ')
}

/**
 * helmet's options for the headers every response of the app carries,
 * whatever produced it: exactly these, nothing helmet would add by default.
 * X-Content-Type-Options: nosniff, Referrer-Policy:
 * strict-origin-when-cross-origin (a page may set a stricter one),
 * Cross-Origin-Opener-Policy: same-origin, X-Frame-Options: DENY, and on
 * https Strict-Transport-Security: max-age=31536000; includeSubDomains.
 * The CSP is not among them: each response gets its own (see above).
 */
export function fixedSecurityHeaders({ https = false } = {}): HelmetOptions {
	return {
		contentSecurityPolicy: false,
		crossOriginEmbedderPolicy: false,
		crossOriginOpenerPolicy: { policy: 'same-origin' },
		crossOriginResourcePolicy: false,
		originAgentCluster: false,
		referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
		strictTransportSecurity: https ? { maxAge: 31_536_000, includeSubDomains: true, preload: false } : false,
		xContentTypeOptions: true,
		xDnsPrefetchControl: false,
		xDownloadOptions: false,
		xFrameOptions: { action: 'deny' },
		xPermittedCrossDomainPolicies: false,
		// Removes X-Powered-By.
		xPoweredBy: true,
		xXssProtection: false,
	}
}

/** The names of the headers above, which React Router's responses may override. */
export const FIXED_SECURITY_HEADER_NAMES = [
	'X-Content-Type-Options',
	'Referrer-Policy',
	'Cross-Origin-Opener-Policy',
	'X-Frame-Options',
	'Strict-Transport-Security',
] as const

/** A strict policy for anything that is not an HTML page of the app. */
export const NON_DOCUMENT_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

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
	const path = pathname.replace(/(\/_root|(?<=\/)_)?\.data$/, '')
	return PRIVATE_PATHS.some((prefix) => path === prefix || path.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`))
}

/** 413 for a body above the limit (by Content-Length; browsers send it). */
export function bodyTooLarge(request: Request): boolean {
	if (request.method === 'GET' || request.method === 'HEAD') return false
	const length = Number(request.headers.get('content-length') ?? 0)
	const limit = new URL(request.url).pathname.startsWith('/api/auth/') ? MAX_AUTH_BODY_BYTES : MAX_BODY_BYTES
	return Number.isFinite(length) && length > limit
}

/**
 * The Content-Security-Policy of an HTML page rendered with `nonce`
 * (entry.server.tsx sets it itself, so pages rendered without the root
 * middleware, such as the 404 page, have it too). The fixed headers come
 * from the HTTP server.
 */
export function documentSecurityHeaders(nonce: string): Record<string, string> {
	const env = getEnv()
	return {
		'Content-Security-Policy': contentSecurityPolicy(nonce, {
			dev: env.NODE_ENV === 'development',
			https: env.isHttps,
			formActionOrigins: providerFormActionOrigins(env),
		}),
	}
}

const FORM_TYPES = /^\s*(application\/x-www-form-urlencoded|multipart\/form-data)\b/i

/**
 * Actions read their bodies with request.formData(); a body that is not a
 * well-formed form would make that throw and the request end in a 500.
 * Answer 415 (not a form) or 400 (a broken one) instead, before any action;
 * a request with no body at all is read as an empty form.
 * Better Auth's routes parse and answer for themselves.
 */
export async function malformedBody(request: Request): Promise<Response | null> {
	if (request.method === 'GET' || request.method === 'HEAD') return null
	if (new URL(request.url).pathname.startsWith('/api/auth/')) return null
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

function applyHeaders(response: Response, request: Request, nonce: string) {
	const isHtml = (response.headers.get('content-type') ?? '').startsWith('text/html')
	if (!isHtml) response.headers.set('Content-Security-Policy', NON_DOCUMENT_CSP)
	else if (!response.headers.has('Content-Security-Policy')) {
		response.headers.set('Content-Security-Policy', documentSecurityHeaders(nonce)['Content-Security-Policy']!)
	}
	if (isPrivateResponse(request, response)) response.headers.set('Cache-Control', 'no-store')
}

type UserIdLookup = Parameters<MiddlewareFunction<Response>>[0] extends infer Args
	? Args extends { request: Request; context: infer C }
		? (request: Request, context: C) => Promise<string | null | undefined>
		: never
	: never

export const createSecurityHeadersMiddleware =
	({
		userIdOf,
	}: {
		/** Who is signed in (for the log line); called after the response is made. */
		userIdOf: UserIdLookup
	}): MiddlewareFunction<Response> =>
	async ({ request, context }, next) => {
		const nonce = createNonce()
		context.set(nonceContext, nonce)
		let response: Response
		if (bodyTooLarge(request)) {
			response = new Response('Request body too large.', {
				status: 413,
				headers: { 'content-type': 'text/plain; charset=utf-8' },
			})
		} else {
			response = (await malformedBody(request)) ?? (await next())
		}
		// Resolved once per request already when a loader asked; otherwise one
		// lookup, and only for requests that carry a cookie at all.
		try {
			const userId = await userIdOf(request, context)
			if (userId) context.set(userIdContext, userId)
		} catch {
			// Logging the user id is best effort; never fail a response for it.
		}
		try {
			applyHeaders(response, request, nonce)
		} catch {
			// Immutable headers (a fetch Response passed through): copy it.
			response = new Response(response.body, response)
			applyHeaders(response, request, nonce)
		}
		return response
	}
