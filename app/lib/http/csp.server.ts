/**
 * Content-Security-Policy. Every response React Router answers (documents,
 * `.data` requests, resource routes such as /api/auth/*) gets one from the
 * root middleware (response-headers.server.ts): a page's, enforced, with a
 * fresh nonce per request for React Router's inline scripts
 * (entry.server.tsx reads it from nonceContext and hands it to
 * <ServerRouter> and renderToPipeableStream), the strict NON_DOCUMENT_CSP
 * for anything else. The HTTP server (app-server.ts) sets NON_DOCUMENT_CSP
 * on everything it answers itself (static files, early refusals).
 *
 * No database or auth imports here: app-server.ts bundles this file too.
 */
import { randomBytes } from 'node:crypto'
import { getEnv } from '#app/lib/env.server.ts'
import { providerFormActionOrigins } from '#app/lib/auth/providers.server.ts'

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

/** A strict policy for anything that is not an HTML page of the app. */
export const NON_DOCUMENT_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

/**
 * The Content-Security-Policy of an HTML page rendered with `nonce`
 * (entry.server.tsx sets it itself, so pages rendered without the root
 * middleware, such as the 404 page, have it too). The fixed headers come
 * from the HTTP server (security-headers.server.ts).
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
