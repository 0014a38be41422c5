import { describe, expect, test } from 'vitest'
import { isPrivateResponse } from './cache-rules.server.ts'

const ORIGIN = 'http://localhost:3000'

describe('caching', () => {
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
})
