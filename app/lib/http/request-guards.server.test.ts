import { describe, expect, test } from 'vitest'
import { allowedOrigins, isSafeMethod, isSameOriginRequest } from './request-guards.server.ts'

const allowed = ['http://localhost:3000', 'http://127.0.0.1:3000']

function post(headers: Record<string, string | undefined>) {
	const defined = Object.entries(headers).filter((entry): entry is [string, string] => entry[1] !== undefined)
	return new Request('http://localhost:3000/logout', { method: 'POST', headers: defined })
}

describe('isSameOriginRequest', () => {
	test('accepts the app origin (and its loopback spellings)', () => {
		expect(isSameOriginRequest(post({ origin: 'http://localhost:3000' }), allowed)).toBe(true)
		expect(isSameOriginRequest(post({ origin: 'http://127.0.0.1:3000' }), allowed)).toBe(true)
	})

	test.each([
		{ origin: 'https://evil.example' },
		{ origin: 'http://localhost:3001' },
		{ origin: 'null' },
		{ origin: 'http://localhost:3000.evil.example' },
		{ 'sec-fetch-site': 'cross-site' },
		{ 'sec-fetch-site': 'same-site' },
		{ referer: 'https://evil.example/x' },
		{ referer: 'not a url' },
		{},
	])('refuses %j', (headers) => {
		expect(isSameOriginRequest(post(headers), allowed)).toBe(false)
	})

	test('Origin wins over a same-origin Referer', () => {
		expect(isSameOriginRequest(post({ origin: 'https://evil.example', referer: 'http://localhost:3000/tasks' }), allowed)).toBe(false)
	})

	test('without Origin, Sec-Fetch-Site: same-origin or a same-origin Referer is enough', () => {
		expect(isSameOriginRequest(post({ 'sec-fetch-site': 'same-origin' }), allowed)).toBe(true)
		expect(isSameOriginRequest(post({ referer: 'http://localhost:3000/login' }), allowed)).toBe(true)
	})
})

test('only GET, HEAD and OPTIONS are safe', () => {
	expect(['GET', 'head', 'OPTIONS'].every(isSafeMethod)).toBe(true)
	expect(['POST', 'PUT', 'PATCH', 'DELETE'].some(isSafeMethod)).toBe(false)
})

describe('allowedOrigins', () => {
	test('locally, every loopback spelling of the same port', () => {
		expect(allowedOrigins('http://localhost:5173').sort()).toEqual(
			['http://127.0.0.1:5173', 'http://[::1]:5173', 'http://localhost:5173'].sort(),
		)
	})

	test('deployed, only the public origin', () => {
		expect(allowedOrigins('https://tasks.example.com/')).toEqual(['https://tasks.example.com'])
	})
})
