import { describe, expect, test } from 'vitest'
import { loginRedirectUrl, safeRedirect } from './redirect.ts'

describe('safeRedirect', () => {
	test.each([
		['/tasks', '/tasks'],
		['/tasks?status=active&q=a%20b', '/tasks?status=active&q=a%20b'],
		['/x#frag', '/x#frag'],
		['/', '/'],
	])('keeps the same-site path %s', (input, expected) => {
		expect(safeRedirect(input)).toBe(expected)
	})

	test.each([
		'//evil.com',
		'//evil.com/tasks',
		'/\\evil.com',
		'/\\/evil.com',
		'\\\\evil.com',
		'https://evil.com',
		'http://localhost:3000/tasks',
		'javascript:alert(1)',
		'evil.com',
		'tasks',
		'/\t/evil.com',
		'/\n/evil.com',
		'',
		' /tasks',
		// Dot segments that normalise into a protocol-relative URL (issue 13).
		'/.//evil.example/phish',
		'/%2e//evil.example',
		'/%2E//evil.example',
		'/a/..//evil.example',
		'/a/%2e%2e//evil.example',
		'/..//evil.example',
		'/./\\evil.example',
		'/a/../\\evil.example',
	])('refuses %j and falls back to /tasks', (input) => {
		expect(safeRedirect(input)).toBe('/tasks')
	})

	test('returns the normalised path it checked', () => {
		expect(safeRedirect('/a/../tasks?x=1')).toBe('/tasks?x=1')
		expect(safeRedirect('/./settings')).toBe('/settings')
		// An encoded slash is not a path separator: it stays on this site.
		expect(safeRedirect('/%2f/evil.example')).toBe('/%2f/evil.example')
	})

	test('refuses non-strings and absurdly long values', () => {
		expect(safeRedirect(null)).toBe('/tasks')
		expect(safeRedirect(undefined)).toBe('/tasks')
		expect(safeRedirect(`/${'a'.repeat(5000)}`)).toBe('/tasks')
		expect(safeRedirect('//evil.com', '/home')).toBe('/home')
	})
})

describe('loginRedirectUrl', () => {
	test('carries the path and query of the page asked for', () => {
		expect(loginRedirectUrl(new Request('http://localhost:3000/tasks?status=active'))).toBe('/login?redirectTo=%2Ftasks%3Fstatus%3Dactive')
	})

	test('points a single-fetch data request back at its page', () => {
		expect(loginRedirectUrl(new Request('http://localhost:3000/tasks.data?q=x&_routes=root'))).toBe('/login?redirectTo=%2Ftasks%3Fq%3Dx')
		// v8_trailingSlashAwareDataRequests: "/a/" asks for "/a/_.data", "/" for "/_.data".
		expect(loginRedirectUrl(new Request('http://localhost:3000/tasks/_.data?_routes=root'))).toBe('/login?redirectTo=%2Ftasks%2F')
		expect(loginRedirectUrl(new Request('http://localhost:3000/_.data?index&_routes=root'))).toBe('/login?redirectTo=%2F')
	})
})
