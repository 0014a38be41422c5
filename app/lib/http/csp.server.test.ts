import { describe, expect, test } from 'vitest'
import { contentSecurityPolicy, createNonce } from './csp.server.ts'

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
