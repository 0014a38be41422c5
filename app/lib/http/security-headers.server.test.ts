import { IncomingMessage, ServerResponse } from 'node:http'
import { Socket } from 'node:net'
import helmet from 'helmet'
import { describe, expect, test } from 'vitest'
import { routeArgs, runMiddleware } from '#tests/support/routes.ts'
import {
	bodyTooLarge,
	contentSecurityPolicy,
	createNonce,
	createSecurityHeadersMiddleware,
	FIXED_SECURITY_HEADER_NAMES,
	fixedSecurityHeaders,
	isPrivateResponse,
	MAX_BODY_BYTES,
	NON_DOCUMENT_CSP,
	nonceContext,
	userIdContext,
} from './security-headers.server.ts'

const ORIGIN = 'http://localhost:3000'

describe('content security policy', () => {
	test('production: nonce + strict-dynamic, no unsafe-inline scripts, and the required directives', () => {
		const csp = contentSecurityPolicy('abc123')
		expect(csp).toContain("script-src 'nonce-abc123' 'strict-dynamic'")
		for (const directive of [
			"object-src 'none'",
			"base-uri 'none'",
			"frame-ancestors 'none'",
			"form-action 'self'",
			"default-src 'self'",
		]) {
			expect(csp).toContain(directive)
		}
		expect(/script-src[^;]*unsafe/.test(csp)).toBe(false)
		expect(csp).not.toContain('upgrade-insecure-requests')
		expect(contentSecurityPolicy('x', { https: true })).toContain('upgrade-insecure-requests')
	})

	test('dev (Vite) allows its HMR websocket and injected styles', () => {
		const csp = contentSecurityPolicy('abc', { dev: true })
		expect(csp).toMatch(/connect-src 'self' ws: wss:/)
		expect(csp).toMatch(/style-src 'self' 'unsafe-inline'/)
		expect(csp).toContain("frame-ancestors 'none'")
	})

	test('nonces are fresh and unguessable', () => {
		const nonces = new Set(Array.from({ length: 100 }, () => createNonce()))
		expect(nonces.size).toBe(100)
		for (const nonce of nonces) expect(nonce).toMatch(/^[A-Za-z0-9+/]{24}$/)
	})
})

describe('caching and body limits', () => {
	const ok = () => new Response('ok')
	test.each([
		['GET', '/', '', false],
		['GET', '/tasks', 'taskwell.session_token=abc', true],
		['GET', '/tasks.data', '__Secure-taskwell.session_token=abc', true],
		['GET', '/api/auth/jwks', '', true],
		['GET', '/reset-password', '', true],
		['GET', '/settings.data', '', true],
		['POST', '/login', '', true],
		['GET', '/favicon.svg', 'other=1', false],
	])('%s %s (cookie %j) private: %s', (method, path, cookie, expected) => {
		const request = new Request(`${ORIGIN}${path}`, { method, headers: cookie ? { cookie } : {} })
		expect(isPrivateResponse(request, ok())).toBe(expected)
	})

	test('a response that sets a cookie is private', () => {
		const response = new Response('ok', { headers: { 'set-cookie': 'a=b' } })
		expect(isPrivateResponse(new Request(`${ORIGIN}/`), response)).toBe(true)
	})

	test('bodies above the limit are refused by Content-Length', () => {
		const post = (path: string, length: number) =>
			new Request(`${ORIGIN}${path}`, { method: 'POST', headers: { 'content-length': String(length) } })
		expect(bodyTooLarge(post('/login', MAX_BODY_BYTES))).toBe(false)
		expect(bodyTooLarge(post('/login', MAX_BODY_BYTES + 1))).toBe(true)
		expect(bodyTooLarge(post('/api/auth/sign-out', MAX_BODY_BYTES + 1))).toBe(false)
		expect(bodyTooLarge(new Request(`${ORIGIN}/login`))).toBe(false)
	})
})

describe('the fixed headers (helmet, on every response of the HTTP server)', () => {
	function headersOf(https: boolean) {
		const req = new IncomingMessage(new Socket())
		const res = new ServerResponse(req)
		res.setHeader('X-Powered-By', 'Express')
		let passed = false
		helmet(fixedSecurityHeaders({ https }))(req, res, () => {
			passed = true
		})
		expect(passed).toBe(true)
		return res.getHeaders()
	}

	test('over http: exactly nosniff, the referrer policy, COOP and X-Frame-Options', () => {
		expect(headersOf(false)).toEqual({
			'x-content-type-options': 'nosniff',
			'referrer-policy': 'strict-origin-when-cross-origin',
			'cross-origin-opener-policy': 'same-origin',
			'x-frame-options': 'DENY',
		})
	})

	test('over https: HSTS too', () => {
		const headers = headersOf(true)
		expect(headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains')
		expect(Object.keys(headers).sort()).toEqual(FIXED_SECURITY_HEADER_NAMES.map((name) => name.toLowerCase()).sort())
	})
})

describe('the middleware', () => {
	const middleware = createSecurityHeadersMiddleware({ userIdOf: async () => 'user-1' })
	async function run(request: Request, next: () => Promise<Response>) {
		const args = routeArgs(request)
		const response = await runMiddleware([middleware], args, next)
		return { response, context: args.context }
	}

	test('puts a nonce in the context, the headers on the response, and the user id for the log', async () => {
		let seen: string | null = null
		const { response, context } = await run(new Request(`${ORIGIN}/settings`), async () => {
			return new Response('<html></html>', { headers: { 'content-type': 'text/html' } })
		})
		seen = context.get(nonceContext)
		expect(seen).toBeTruthy()
		expect(response.headers.get('content-security-policy')).toContain(`'nonce-${seen}'`)
		// The fixed headers are the HTTP server's (tested above and in
		// tests/e2e/hardening.spec.ts): set once, not here again.
		expect(response.headers.get('x-content-type-options')).toBeNull()
		expect(response.headers.get('cache-control')).toBe('no-store')
		expect(context.get(userIdContext)).toBe('user-1')
	})

	test('non-HTML responses get the strict policy, even immutable ones', async () => {
		const { response } = await run(new Request(`${ORIGIN}/api/auth/jwks`), async () => Response.redirect(`${ORIGIN}/x`, 302))
		expect(response.headers.get('content-security-policy')).toBe(NON_DOCUMENT_CSP)
		expect(response.headers.get('location')).toBe(`${ORIGIN}/x`)
	})

	test('an oversized body gets 413 without reaching the route', async () => {
		let reached = false
		const { response } = await run(
			new Request(`${ORIGIN}/login`, { method: 'POST', headers: { 'content-length': String(MAX_BODY_BYTES * 2) } }),
			async () => {
				reached = true
				return new Response('ok')
			},
		)
		expect(response.status).toBe(413)
		expect(reached).toBe(false)
		expect(response.headers.get('content-security-policy')).toBe(NON_DOCUMENT_CSP)
	})
})

test('a page that sets a stricter referrer policy keeps it', async () => {
	const middleware = createSecurityHeadersMiddleware({ userIdOf: async () => null })
	const response = await runMiddleware(
		[middleware],
		routeArgs(new Request(`${ORIGIN}/reset-password?token=x`)),
		async () => new Response('<html></html>', { headers: { 'content-type': 'text/html', 'referrer-policy': 'same-origin' } }),
	)
	expect(response.headers.get('referrer-policy')).toBe('same-origin')
	expect(response.headers.get('cache-control')).toBe('no-store')
})

describe('malformed bodies', () => {
	const post = (path: string, type: string | null, body: string) =>
		new Request(`${ORIGIN}${path}`, { method: 'POST', headers: type ? { 'content-type': type } : {}, body })
	test.each([
		['application/json', '{"email":1', 415],
		['multipart/form-data; boundary=xyz', 'garbage', 400],
		['text/plain', 'email=a', 415],
		['application/xml', '<a/>', 415],
	])('%s %j → %i', async (type, body, status) => {
		const { malformedBody } = await import('./security-headers.server.ts')
		expect((await malformedBody(post('/login', type, body)))?.status).toBe(status)
	})
	test('well-formed forms, empty bodies and auth routes pass', async () => {
		const { malformedBody } = await import('./security-headers.server.ts')
		expect(await malformedBody(post('/login', 'application/x-www-form-urlencoded', 'email=a%40b.c'))).toBeNull()
		expect(await malformedBody(new Request(`${ORIGIN}/logout`, { method: 'POST' }))).toBeNull()
		expect(await malformedBody(post('/api/auth/sign-out', 'text/plain', 'x'))).toBeNull()
	})
})
