import { describe, expect, test } from 'vitest'
import { routeArgs, runMiddleware } from '#tests/support/routes.ts'
import { nonceContext, userIdContext } from '#app/context.server.ts'
import { NON_DOCUMENT_CSP } from './csp.server.ts'
import { formBodyMiddleware } from './request-guards.server.ts'
import { createRequestLogUserMiddleware } from './request-log.server.ts'
import { responseHeadersMiddleware } from './response-headers.server.ts'

const ORIGIN = 'http://localhost:3000'

describe('the middleware', () => {
	// As the root route runs them (app/root.tsx).
	const middleware = [createRequestLogUserMiddleware({ userIdOf: async () => 'user-1' }), responseHeadersMiddleware, formBodyMiddleware]
	async function run(request: Request, next: () => Promise<Response>) {
		const args = routeArgs(request)
		const response = await runMiddleware(middleware, args, next)
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
		// tests/e2e/hardening.server.spec.ts): set once, not here again.
		expect(response.headers.get('x-content-type-options')).toBeNull()
		expect(response.headers.get('cache-control')).toBe('no-store')
		expect(context.get(userIdContext)).toBe('user-1')
	})

	test('non-HTML responses get the strict policy, even immutable ones', async () => {
		const { response } = await run(new Request(`${ORIGIN}/api/auth/jwks`), async () => Response.redirect(`${ORIGIN}/x`, 302))
		expect(response.headers.get('content-security-policy')).toBe(NON_DOCUMENT_CSP)
		expect(response.headers.get('location')).toBe(`${ORIGIN}/x`)
	})

	test('a body that is not a form gets 415 without reaching the route, with the strict policy', async () => {
		let reached = false
		const { response } = await run(
			new Request(`${ORIGIN}/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }),
			async () => {
				reached = true
				return new Response('ok')
			},
		)
		expect(response.status).toBe(415)
		expect(reached).toBe(false)
		expect(response.headers.get('content-security-policy')).toBe(NON_DOCUMENT_CSP)
		expect(response.headers.get('cache-control')).toBe('no-store')
	})
})

test('a page that sets a stricter referrer policy keeps it', async () => {
	const response = await runMiddleware(
		[responseHeadersMiddleware],
		routeArgs(new Request(`${ORIGIN}/reset-password?token=x`)),
		async () => new Response('<html></html>', { headers: { 'content-type': 'text/html', 'referrer-policy': 'same-origin' } }),
	)
	expect(response.headers.get('referrer-policy')).toBe('same-origin')
	expect(response.headers.get('cache-control')).toBe('no-store')
})
