import { describe, expect, test } from 'vitest'
import {
	isProgramTokenRequest,
	allowedOrigins,
	bodySizeRefusal,
	isSafeMethod,
	isSameOriginRequest,
	malformedBody,
	MAX_AUTH_BODY_BYTES,
	MAX_BODY_BYTES,
} from './request-guards.server.ts'

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

describe('isProgramTokenRequest (the token endpoints, for programs)', () => {
	const headers = (values: Record<string, string>) => (name: string) => values[name]
	test('a POST to /api/tokens/ with no Origin and no Sec-Fetch-Site is a program: it needs no same-origin proof, cookies or not', () => {
		expect(isProgramTokenRequest('/api/tokens/exchange', headers({ authorization: 'Bearer x' }))).toBe(true)
		expect(isProgramTokenRequest('/api/tokens/device', headers({ cookie: 'a=b' }))).toBe(true)
	})
	test('a browser says where it comes from (then the same-origin check decides); other paths are never exempt', () => {
		expect(isProgramTokenRequest('/api/tokens/exchange', headers({ origin: 'https://evil.example' }))).toBe(false)
		expect(isProgramTokenRequest('/api/tokens/exchange', headers({ 'sec-fetch-site': 'cross-site' }))).toBe(false)
		expect(isProgramTokenRequest('/settings', headers({}))).toBe(false)
		expect(isProgramTokenRequest('/api/auth/jwks', headers({}))).toBe(false)
		expect(isProgramTokenRequest('/api/tokensx', headers({}))).toBe(false)
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

describe('body size (the HTTP server refuses before anything reads the body)', () => {
	const refusal = (method: string, path: string, headers: Record<string, string>) => bodySizeRefusal(method, path, (name) => headers[name])
	test('413 above the limit, by Content-Length; Better Auth gets more room', () => {
		expect(refusal('POST', '/login', { 'content-length': String(MAX_BODY_BYTES) })).toBeNull()
		expect(refusal('POST', '/login', { 'content-length': String(MAX_BODY_BYTES + 1) })).toEqual({
			status: 413,
			message: 'Request body too large.',
		})
		expect(refusal('POST', '/api/auth/sign-out', { 'content-length': String(MAX_BODY_BYTES + 1) })).toBeNull()
		expect(refusal('POST', '/api/auth/sign-out', { 'content-length': String(MAX_AUTH_BODY_BYTES + 1) })?.status).toBe(413)
		expect(refusal('POST', '/login', { 'content-length': 'lots' })?.status).toBe(413)
	})
	test('411 for a chunked body without a length; GET and HEAD and empty posts pass', () => {
		expect(refusal('POST', '/login', { 'transfer-encoding': 'chunked' })).toEqual({ status: 411, message: 'Content-Length required.' })
		expect(refusal('POST', '/logout', {})).toBeNull()
		expect(refusal('GET', '/login', { 'content-length': String(MAX_BODY_BYTES * 2) })).toBeNull()
		expect(refusal('HEAD', '/login', { 'transfer-encoding': 'chunked' })).toBeNull()
	})
})

const ORIGIN = 'http://localhost:3000'

describe('malformed bodies', () => {
	const post = (path: string, type: string | null, body: string) =>
		new Request(`${ORIGIN}${path}`, { method: 'POST', headers: type ? { 'content-type': type } : {}, body })
	test.each([
		['application/json', '{"email":1', 415],
		['multipart/form-data; boundary=xyz', 'garbage', 400],
		['text/plain', 'email=a', 415],
		['application/xml', '<a/>', 415],
	])('%s %j → %i', async (type, body, status) => {
		expect((await malformedBody(post('/login', type, body)))?.status).toBe(status)
	})
	test('well-formed forms, empty bodies and auth routes pass', async () => {
		expect(await malformedBody(post('/login', 'application/x-www-form-urlencoded', 'email=a%40b.c'))).toBeNull()
		expect(await malformedBody(new Request(`${ORIGIN}/logout`, { method: 'POST' }))).toBeNull()
		expect(await malformedBody(post('/api/auth/sign-out', 'text/plain', 'x'))).toBeNull()
	})
})
