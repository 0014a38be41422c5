/**
 * Security headers, caching and input bounds on the production build (the
 * walk with zero CSP violations is in csp.js-only.spec.ts).
 */
import type { APIRequestContext, APIResponse } from '@playwright/test'
import { cookieHeader, expect, newUser, test } from './support.ts'

function expectBaseHeaders(response: APIResponse, what: string) {
	const headers = response.headers()
	expect(headers['x-content-type-options'], what).toBe('nosniff')
	expect(headers['referrer-policy'], what).toBe('strict-origin-when-cross-origin')
	expect(headers['cross-origin-opener-policy'], what).toBe('same-origin')
	expect(headers['content-security-policy'], what).toContain("frame-ancestors 'none'")
	// Served over http here: no HSTS (it is sent when BETTER_AUTH_URL is https).
	expect(headers['strict-transport-security'], what).toBeUndefined()
}

/** A form POST of `form` from `origin` with `request` (its cookies), to whichever path it is given; redirects not followed. */
function formPoster(request: APIRequestContext, origin: string, form: Record<string, string>) {
	return (path: string) => request.post(path, { headers: { origin }, form, maxRedirects: 0 })
}

/**
 * Five posts that fail (`status`), then the page (`path`) and its `.data`
 * request are throttled: 429 with Retry-After (and `more` of each answer).
 */
async function expectThrottledAfterFive(
	post: (path: string) => Promise<APIResponse>,
	path: string,
	status: number,
	more: (throttled: APIResponse, path: string) => void = () => {},
) {
	for (let attempt = 0; attempt < 5; attempt++) expect((await post(path)).status()).toBe(status)
	for (const each of [path, `${path}.data`]) {
		const throttled = await post(each)
		expect(throttled.status(), each).toBe(429)
		expect(Number(throttled.headers()['retry-after']), each).toBeGreaterThan(0)
		more(throttled, each)
	}
}

test('pages carry an enforced CSP with a fresh nonce that matches their scripts', async ({ request }) => {
	const nonces = new Set<string>()
	for (let i = 0; i < 2; i++) {
		const response = await request.get('/login')
		expectBaseHeaders(response, '/login')
		const headers = response.headers()
		expect(headers['content-security-policy-report-only']).toBeUndefined()
		const csp = headers['content-security-policy']!
		for (const directive of ["'strict-dynamic'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "form-action 'self'"]) {
			expect(csp).toContain(directive)
		}
		const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1]
		expect(nonce).toBeTruthy()
		nonces.add(nonce!)
		const html = await response.text()
		const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((match) => match[0])
		expect(scripts.length).toBeGreaterThan(0)
		for (const script of scripts) expect(script).toContain(`nonce="${nonce}"`)
	}
	expect(nonces.size).toBe(2)
})

test('every kind of response carries the security headers', async ({ request }) => {
	const html = await (await request.get('/login')).text()
	const asset = /<link rel="modulepreload" href="([^"]+)"/.exec(html)?.[1]
	const targets = ['/', '/login.data', '/api/auth/jwks', '/favicon.svg', '/no-such-page']
	if (asset) targets.push(asset)
	for (const target of targets) {
		expectBaseHeaders(await request.get(target), target)
	}
	const refused = await request.post('/login', {
		headers: { origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
		data: 'email=a%40example.com',
	})
	expect(refused.status()).toBe(403)
	expectBaseHeaders(refused, 'cross-site refusal')
})

test('pages with a token in their URL never send it to other sites and are not cached', async ({ request }) => {
	for (const path of ['/reset-password?token=abc', '/verify-email?token=abc', '/login/link?token=abc', '/change-email?token=abc']) {
		const response = await request.get(path)
		expect(response.headers()['referrer-policy'], path).toBe('same-origin')
		expect(response.headers()['cache-control'], path).toBe('no-store')
	}
})

test('signed-in pages and auth responses are never cached', async ({ page, context, signUpDirectly }) => {
	await signUpDirectly(page, newUser('No Cache'))
	for (const path of ['/tasks', '/settings', '/settings.data', '/api/auth/get-session']) {
		const response = await context.request.get(path)
		expect(response.headers()['cache-control'], path).toBe('no-store')
	}
	const signOut = await page.request.post('/logout', {
		headers: { origin: new URL(page.url()).origin },
		maxRedirects: 0,
	})
	expect(signOut.status()).toBe(302)
	expect(signOut.headers()['cache-control']).toBe('no-store')
	const signIn = await page.request.post('/login', {
		headers: { origin: new URL(page.url()).origin },
		form: { email: 'nobody@example.com', password: 'not a password' },
		maxRedirects: 0,
	})
	expect(signIn.headers()['cache-control']).toBe('no-store')
})

test('oversized and malformed requests get a clear 4xx, never a crash', async ({ request, baseURL }) => {
	const origin = new URL(baseURL!).origin
	const big = await request.post('/login', {
		headers: { origin, 'content-type': 'application/x-www-form-urlencoded' },
		data: `email=${'a'.repeat(70 * 1024)}`,
	})
	expect(big.status()).toBe(413)
	const bigAuth = await request.post('/api/auth/sign-out', {
		headers: { origin, 'content-type': 'application/json' },
		data: 'x'.repeat(2 * 1024 * 1024),
	})
	expect(bigAuth.status()).toBe(413)
	const longEmail = await request.post('/forgot-password', {
		headers: { origin, 'content-type': 'application/x-www-form-urlencoded' },
		data: `email=${'a'.repeat(300)}%40example.com`,
	})
	expect(longEmail.status()).toBe(400)
	const garbage = await request.post('/login', {
		headers: { origin, 'content-type': 'application/x-www-form-urlencoded' },
		data: '%%%&&&=%E0%A4%A',
	})
	expect(garbage.status()).toBeGreaterThanOrEqual(400)
	expect(garbage.status()).toBeLessThan(500)
	for (const [path, type, body, status] of [
		['/login', 'application/json', '{"email":"a@example.com"}', 415],
		['/login.data', 'application/json', '{"email":', 415],
		['/login', 'multipart/form-data; boundary=xyz', 'not multipart at all', 400],
		['/login', 'text/plain', 'email=a', 415],
	] as const) {
		const response = await request.post(path, { headers: { origin, 'content-type': type }, data: Buffer.from(body) })
		expect(response.status(), `${path} ${type}`).toBe(status)
	}
	const badJson = await request.post('/api/auth/sign-out', {
		headers: { origin, 'content-type': 'application/json' },
		data: '{not json',
	})
	expect(badJson.status()).toBeGreaterThanOrEqual(400)
	expect(badJson.status()).toBeLessThan(500)
})

test('throttled form posts answer 429 with Retry-After, as a page and as data (issue 13)', async ({
	page,
	request,
	baseURL,
	signUpDirectly,
}) => {
	const origin = new URL(baseURL!).origin
	const email = `throttled-${Date.now()}-${Math.random().toString(36).slice(2)}@example.com`
	const wrongSignIn = formPoster(request, origin, { email, password: 'not the password' })
	await expectThrottledAfterFive(wrongSignIn, '/login', 401)

	await signUpDirectly(page, newUser('Retry After'))
	const wrongPassword = formPoster(page.request, origin, { intent: 'delete-account', password: 'not my password' })
	await expectThrottledAfterFive(wrongPassword, '/settings', 400, (throttled, path) =>
		expect(throttled.headers()['cache-control'], path).toBe('no-store'),
	)
})

// The one cross-site check is the HTTP server's (app-server.ts), before
// React Router or Better Auth read anything; these were vitest assertions
// against a copy of it in the root middleware (removed in issue 12).
test('forged POSTs carrying a valid session cookie are refused with 403 by the server and change nothing', async ({
	page,
	context,
	request,
	baseURL,
	user,
}) => {
	const origin = new URL(baseURL!).origin
	expect(user.email).toBeTruthy() // signed in by the fixture
	const cookie = await cookieHeader(context)
	const form = { 'content-type': 'application/x-www-form-urlencoded', cookie }
	const forgeries: Array<[string, Record<string, string>]> = [
		['evil Origin', { origin: 'https://evil.example' }],
		['Origin: null', { origin: 'null' }],
		['no Origin, Sec-Fetch-Site or Referer', {}],
		['cross-site Referer', { referer: 'https://evil.example/page' }],
		['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }],
	]
	for (const [what, headers] of forgeries) {
		const response = await request.post('/logout', { headers: { ...form, ...headers }, data: '', maxRedirects: 0 })
		expect(response.status(), what).toBe(403)
		expect(
			response.headersArray().filter((header) => header.name.toLowerCase() === 'set-cookie'),
			what,
		).toEqual([])
	}
	const settings = await request.post('/settings', {
		headers: { ...form, origin: 'https://evil.example' },
		data: 'intent=revoke-other-sessions',
		maxRedirects: 0,
	})
	expect(settings.status()).toBe(403)
	// The token endpoints take POSTs from programs (no Origin, no
	// Sec-Fetch-Site), cookies or not: nothing there reads a cookie. A
	// browser's cross-site POST, which says where it comes from, is refused.
	const crossSite = await request.post('/api/tokens/revoke', { headers: { ...form, origin: 'https://evil.example' }, data: '' })
	expect(crossSite.status()).toBe(403)
	const crossSiteFetch = await request.post('/api/tokens/device-code', { headers: { 'sec-fetch-site': 'cross-site' }, data: {} })
	expect(crossSiteFetch.status()).toBe(403)
	const programs: Array<Record<string, string>> = [
		{ authorization: 'Bearer tw_pat_unknown' },
		{ authorization: 'Bearer tw_pat_unknown', cookie },
	]
	for (const headers of programs) {
		const program = await request.post('/api/tokens/exchange', { headers })
		expect(program.status()).toBe(401)
		expect(await program.json()).toMatchObject({ error: 'invalid_token' })
	}
	// Still signed in.
	await page.goto('/tasks')
	await expect(page).toHaveURL(/\/tasks$/)

	// A forged sign-up does not create an account either.
	const forged = newUser('Forged Signup')
	const signup = await request.post('/signup', {
		headers: { origin: 'https://evil.example' },
		form: { name: forged.name, email: forged.email, password: forged.password, confirmPassword: forged.password },
		maxRedirects: 0,
	})
	expect(signup.status()).toBe(403)
	const signIn = await request.post('/login', {
		headers: { origin },
		form: { email: forged.email, password: forged.password },
		maxRedirects: 0,
	})
	expect(signIn.status()).toBe(401)

	// Without Origin, a same-origin Referer is enough.
	const signOut = await request.post('/logout', {
		headers: { ...form, referer: `${origin}/tasks` },
		data: '',
		maxRedirects: 0,
	})
	expect(signOut.status()).toBe(302)
})
