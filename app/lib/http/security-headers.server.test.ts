import { IncomingMessage, ServerResponse } from 'node:http'
import { Socket } from 'node:net'
import helmet from 'helmet'
import { describe, expect, test } from 'vitest'
import { FIXED_SECURITY_HEADER_NAMES, fixedSecurityHeaders } from './security-headers.server.ts'

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
