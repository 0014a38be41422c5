/**
 * Sign-up, sign-in, sign-out and the session helpers, through the real
 * route actions and loaders, the real Better Auth and a fresh database.
 */
import { eq } from 'drizzle-orm'
import { decodeJwt, decodeProtectedHeader } from 'jose'
import { describe, expect, test } from 'vitest'
import { auth } from '#app/lib/auth/better-auth.server.ts'
import { database, db } from '#app/lib/db.server.ts'
import { session, user } from '#app/lib/db/schema.ts'
import { recordHit } from '#app/lib/throttle.server.ts'
import { THROTTLE_RULES } from '#app/lib/throttle-rules.server.ts'
import * as loginRoute from '#app/routes/auth/login.tsx'
import * as logoutRoute from '#app/routes/logout.tsx'
import * as signupRoute from '#app/routes/auth/signup.tsx'
import { userContext } from '#app/context.server.ts'
import * as homeRoute from '#app/routes/home.tsx'
import { freshEmail, PASSWORD, postSignUp } from '#tests/support/accounts.ts'
import { onTestDatabaseTeardown } from '#tests/support/fresh-database.ts'
import { cookieHeaderFrom, formPost, get, runRoute, type RouteArgs } from '#tests/support/routes.ts'

onTestDatabaseTeardown(() => database.close())

/** The sign-up form with these fields changed; the answer is not checked. */
const signUp = (fields: Partial<Record<string, string>> = {}) =>
	postSignUp({ email: fields.email, name: 'Grace Hopper', fields: fields as Record<string, string> })

function fieldErrors(data: any): Record<string, string[]> {
	return data?.result?.error ?? {}
}

describe('sign-up', () => {
	test('creates the account, signs in with an HttpOnly Lax session cookie and redirects to /tasks', async () => {
		const { response, email } = await signUp({ email: '  New.Person@Example.COM ' })
		expect(response.status).toBe(302)
		expect(response.headers.get('location')).toBe('/tasks')
		const sessionCookie = response.headers.getSetCookie().find((cookie) => cookie.startsWith('taskwell.session_token='))
		expect(sessionCookie).toBeDefined()
		expect(sessionCookie).toMatch(/HttpOnly/i)
		expect(sessionCookie).toMatch(/SameSite=Lax/i)
		expect(sessionCookie).toMatch(/Path=\//)
		// Without "Remember me" it is a browser-session cookie.
		expect(sessionCookie).not.toMatch(/Max-Age|Expires/i)
		// Email is normalised before it is stored.
		const [stored] = await db.select().from(user).where(eq(user.email, 'new.person@example.com'))
		expect(stored?.name).toBe('Grace Hopper')
		expect(email).not.toBe(stored?.email)
	})

	test.each([
		[{ name: '   ' }, 'name', 'Name is required'],
		[{ name: 'x'.repeat(101) }, 'name', 'Name must be at most 100 characters'],
		[{ email: 'not-an-email' }, 'email', 'Enter a valid email address'],
		[{ email: '' }, 'email', 'Email is required'],
		[{ password: 'short', confirmPassword: 'short' }, 'password', 'Password must be at least 8 characters'],
		[{ password: 'p'.repeat(129), confirmPassword: 'p'.repeat(129) }, 'password', 'Password must be at most 128 characters'],
		[{ confirmPassword: 'something else' }, 'confirmPassword', 'Passwords do not match'],
	])('rejects %j with an error on %s and keeps the typed values except passwords', async (fields, field, message) => {
		const { response, data } = await signUp(fields as Record<string, string>)
		expect(response.status).toBe(400)
		expect(response.headers.getSetCookie()).toEqual([])
		expect(fieldErrors(data)[field]).toContain(message)
		const kept = data.result.initialValue
		expect(kept.password).toBeUndefined()
		expect(kept.confirmPassword).toBeUndefined()
		if (field !== 'name') expect(kept.name).toBe('Grace Hopper')
	})

	test('a taken email is a clear form error, not a crash', async () => {
		const first = await signUp()
		const again = await signUp({ email: first.email.toUpperCase() })
		expect(again.response.status).toBe(409)
		expect(fieldErrors(again.data).email?.[0]).toMatch(/already exists/)
		expect(again.data.result.initialValue.email).toBe(first.email.toUpperCase())
	})

	test('signed-in users who open /signup or /login go to /tasks', async () => {
		const { cookie } = await signUp()
		for (const route of [signupRoute, loginRoute]) {
			const { response } = await runRoute(route.loader, get('/signup', { cookie }))
			expect(response.status).toBe(302)
			expect(response.headers.get('location')).toBe('/tasks')
		}
	})
})

describe('sign-in', () => {
	test('wrong password and unknown email give the same generic message', async () => {
		const { email } = await signUp()
		const wrongPassword = await runRoute(loginRoute.action, formPost('/login', { email, password: 'not the password' }))
		const unknownEmail = await runRoute(
			loginRoute.action,
			formPost('/login', { email: 'nobody@example.com', password: 'not the password' }),
		)
		for (const { response, data } of [wrongPassword, unknownEmail]) {
			expect(response.status).toBe(401)
			expect(response.headers.getSetCookie()).toEqual([])
			expect(data.result.error['']).toEqual(['Invalid email or password'])
			expect(data.result.initialValue.password).toBeUndefined()
		}
	})

	test('honours a safe redirectTo and ignores an unsafe one', async () => {
		const { email } = await signUp()
		const cases: Array<[string, string]> = [
			['/tasks?status=active', '/tasks?status=active'],
			['//evil.com', '/tasks'],
			['https://evil.com/x', '/tasks'],
			['/\\evil.com', '/tasks'],
		]
		for (const [redirectTo, expected] of cases) {
			const { response } = await runRoute(loginRoute.action, formPost('/login', { email, password: PASSWORD, redirectTo }))
			expect(response.status, redirectTo).toBe(302)
			expect(response.headers.get('location'), redirectTo).toBe(expected)
		}
	})

	test('never redirects off-site, whatever the redirectTo (dot segments included), on sign-in and sign-up', async () => {
		const { email } = await signUp()
		const offSite = [
			'//evil.example',
			'/\\evil.example',
			'https://evil.example/x',
			'javascript:alert(1)',
			'/.//evil.example/phish',
			'/%2e//evil.example',
			'/a/..//evil.example',
			'/%2e%2e//evil.example',
			'/./\\evil.example',
		]
		for (const redirectTo of offSite) {
			const signIn = await runRoute(loginRoute.action, formPost('/login', { email, password: PASSWORD, redirectTo }))
			expect(signIn.response.status, redirectTo).toBe(302)
			expect(signIn.response.headers.get('location'), redirectTo).toBe('/tasks')
			const created = await signUp({ redirectTo })
			expect(created.response.status, redirectTo).toBe(302)
			expect(created.response.headers.get('location'), redirectTo).toBe('/tasks')
		}
		const normalised = await signUp({ redirectTo: '/a/../tasks?status=active' })
		expect(normalised.response.headers.get('location')).toBe('/tasks?status=active')
	})

	test('"Remember me" gives a persistent cookie for the session lifetime (7 days)', async () => {
		const { email } = await signUp()
		const { response } = await runRoute(loginRoute.action, formPost('/login', { email, password: PASSWORD, rememberMe: 'on' }))
		const sessionCookie = response.headers.getSetCookie().find((cookie) => cookie.startsWith('taskwell.session_token='))
		expect(sessionCookie).toMatch(/Max-Age=604800/)
		expect(sessionCookie).toMatch(/HttpOnly/)
	})

	test('5 failed sign-ins for one email lock it for 15 minutes with 429 and Retry-After', async () => {
		const { email } = await signUp()
		for (let attempt = 0; attempt < 5; attempt += 1) {
			const { response } = await runRoute(loginRoute.action, formPost('/login', { email, password: 'wrong password!' }))
			expect(response.status).toBe(401)
		}
		// Even the right password is refused now, from any IP.
		const blocked = await runRoute(loginRoute.action, formPost('/login', { email, password: PASSWORD }), { ip: '198.51.100.99' })
		expect(blocked.response.status).toBe(429)
		const retryAfter = Number(blocked.response.headers.get('retry-after'))
		expect(retryAfter).toBeGreaterThan(800)
		expect(retryAfter).toBeLessThanOrEqual(900)
		expect(blocked.data.result.error[''][0]).toMatch(/Too many attempts\. Try again in 15 minutes\./)
		expect(blocked.response.headers.getSetCookie()).toEqual([])
	})

	test('parallel sign-ins never check more passwords than the limit (each attempt is counted before its check)', async () => {
		const { email } = await signUp()
		const limit = THROTTLE_RULES.signInFailuresPerEmail.limit
		// 30 wrong passwords at once, from 30 addresses: exactly `limit` are
		// checked (401), the rest are refused unchecked (429).
		const wrong = await Promise.all(
			Array.from({ length: 30 }, (_, i) =>
				runRoute(loginRoute.action, formPost('/login', { email, password: `wrong password ${i}` }), {
					ip: `198.51.100.${i + 1}`,
				}),
			),
		)
		const statuses = wrong.map(({ response }) => response.status)
		expect(statuses.filter((status) => status === 401)).toHaveLength(limit)
		expect(statuses.filter((status) => status === 429)).toHaveLength(30 - limit)
		// The right password afterwards is refused too.
		const blocked = await runRoute(loginRoute.action, formPost('/login', { email, password: PASSWORD }), {
			ip: '198.51.100.200',
		})
		expect(blocked.response.status).toBe(429)
	})

	test('29 wrong passwords and the right one in parallel: at most the limit of wrong ones are checked', async () => {
		const { email } = await signUp()
		const limit = THROTTLE_RULES.signInFailuresPerEmail.limit
		const passwords = Array.from({ length: 30 }, (_, i) => (i === 29 ? PASSWORD : `wrong password ${i}`))
		const results = await Promise.all(
			passwords.map((password, i) => runRoute(loginRoute.action, formPost('/login', { email, password }), { ip: `203.0.113.${i + 1}` })),
		)
		const statuses = results.map(({ response }) => response.status)
		// Each checked wrong password keeps its place in the counter; only the
		// right one may hand its place back. So whatever the interleaving, at
		// most `limit` wrong passwords reach the hasher.
		expect(statuses.filter((status) => status === 401).length).toBeLessThanOrEqual(limit)
		expect(statuses.filter((status) => status === 302).length).toBeLessThanOrEqual(1)
		expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(30 - limit - 1)
		expect(statuses.every((status) => [302, 401, 429].includes(status))).toBe(true)
		// One at a time now, the account is locked.
		const after = await runRoute(loginRoute.action, formPost('/login', { email, password: PASSWORD }), {
			ip: '203.0.113.200',
		})
		expect(after.response.status).toBe(429)
	})

	test('a successful sign-in gives its attempt back: it does not count as a failure', async () => {
		const { email } = await signUp()
		for (let attempt = 0; attempt < THROTTLE_RULES.signInFailuresPerEmail.limit + 2; attempt += 1) {
			const { response } = await runRoute(loginRoute.action, formPost('/login', { email, password: PASSWORD }))
			expect(response.status).toBe(302)
		}
	})

	test('sign-ins are throttled per IP as well (100 attempts per 15 minutes)', async () => {
		const ip = '192.0.2.200'
		// 99 earlier attempts from this IP (counted as the action counts them;
		// making 99 real ones would only spend time hashing passwords).
		for (let attempt = 0; attempt < THROTTLE_RULES.signInPerIp.limit - 1; attempt += 1) {
			await recordHit(THROTTLE_RULES.signInPerIp, ip)
		}
		const hundredth = await runRoute(loginRoute.action, formPost('/login', { email: 'nobody@example.com', password: 'whatever1' }), { ip })
		expect(hundredth.response.status).toBe(401)
		const { email } = await signUp()
		const blocked = await runRoute(loginRoute.action, formPost('/login', { email, password: PASSWORD }), { ip })
		expect(blocked.response.status).toBe(429)
		expect(Number(blocked.response.headers.get('retry-after'))).toBeGreaterThan(0)
		// Another IP is not affected.
		const elsewhere = await runRoute(loginRoute.action, formPost('/login', { email, password: PASSWORD }), { ip: '192.0.2.201' })
		expect(elsewhere.response.status).toBe(302)
	})
})

/** A loader under the signed-in layout (runRoute runs its middleware for /tasks). */
const protectedLoader = ({ context }: RouteArgs) => context.get(userContext).user

describe('sessions and protected routes', () => {
	test('a protected route redirects to /login with the path and query', async () => {
		const { response } = await runRoute(protectedLoader, get('/tasks?status=active&q=milk'))
		expect(response.status).toBe(302)
		expect(response.headers.get('location')).toBe(`/login?redirectTo=${encodeURIComponent('/tasks?status=active&q=milk')}`)
	})

	test('requireUser gives the signed-in user; / sends them to /tasks', async () => {
		const { cookie } = await signUp({ name: 'Katherine Johnson' })
		const tasks = await runRoute(protectedLoader, get('/tasks', { cookie }))
		expect(tasks.response.status).toBe(200)
		expect(tasks.data).toMatchObject({ name: 'Katherine Johnson' })
		const home = await runRoute(homeRoute.loader, get('/', { cookie }))
		expect(home.response.headers.get('location')).toBe('/tasks')
	})

	test('sign-out deletes the session row, not only the cookie', async () => {
		const { cookie, email } = await signUp()
		const [owner] = await db.select().from(user).where(eq(user.email, email))
		expect(await db.select().from(session).where(eq(session.userId, owner!.id))).toHaveLength(1)
		const { response } = await runRoute(logoutRoute.action, formPost('/logout', {}, { cookie }))
		expect(response.status).toBe(302)
		expect(response.headers.get('location')).toBe('/')
		expect(response.headers.getSetCookie().join('\n')).toMatch(/taskwell\.session_token=;.*Max-Age=0/)
		expect(await db.select().from(session).where(eq(session.userId, owner!.id))).toHaveLength(0)
		// The old cookie is worthless now.
		const after = await runRoute(protectedLoader, get('/tasks', { cookie }))
		expect(after.response.status).toBe(302)
	})

	test('a remembered session is refreshed daily: the page response renews the cookie and the row', async () => {
		const { email } = await signUp()
		const signedIn = await runRoute(loginRoute.action, formPost('/login', { email, password: PASSWORD, rememberMe: 'on' }))
		const cookie = cookieHeaderFrom(signedIn.response)
		const [owner] = await db.select().from(user).where(eq(user.email, email))
		// Pretend the session was last refreshed two days ago.
		const fiveDays = new Date(Date.now() + 5 * 86_400_000)
		await db.update(session).set({ expiresAt: fiveDays }).where(eq(session.userId, owner!.id))
		const { response } = await runRoute(protectedLoader, get('/tasks', { cookie }))
		expect(response.status).toBe(200)
		const renewed = response.headers.getSetCookie().find((value) => value.startsWith('taskwell.session_token='))
		expect(renewed).toMatch(/Max-Age=604800/)
		// The row of the session the cookie names (the sign-up left another one; rows come in no set order).
		const token = decodeURIComponent(/taskwell\.session_token=([^;]+)/.exec(cookie)![1]!).split('.')[0]!
		const [row] = await db.select().from(session).where(eq(session.token, token))
		const days = (row!.expiresAt.getTime() - Date.now()) / 86_400_000
		expect(days).toBeGreaterThan(6.9)
	})

	test('signing in while signed in ends the previous session and issues one for the account signed in to', async () => {
		const alice = await signUp({ name: 'Alice Ball' })
		const bob = await signUp({ name: 'Bob Kahn' })
		const [aliceRow] = await db.select().from(user).where(eq(user.email, alice.email))
		const { response } = await runRoute(
			loginRoute.action,
			formPost('/login', { email: bob.email, password: PASSWORD }, { cookie: alice.cookie }),
		)
		expect(response.status).toBe(302)
		expect(response.headers.get('location')).toBe('/tasks')
		const cookie = cookieHeaderFrom(response)
		expect(cookie).toMatch(/taskwell\.session_token=/)
		// Alice's session is gone from the database, not only from the browser.
		expect(await db.select().from(session).where(eq(session.userId, aliceRow!.id))).toHaveLength(0)
		expect((await runRoute(protectedLoader, get('/tasks', { cookie: alice.cookie }))).response.status).toBe(302)
		const now = await runRoute(protectedLoader, get('/tasks', { cookie }))
		expect(now.data).toMatchObject({ name: 'Bob Kahn' })
	})

	test('signing in again to the same account replaces the session (no fixation of a planted one)', async () => {
		const { email, cookie: before } = await signUp()
		const [owner] = await db.select().from(user).where(eq(user.email, email))
		const { response } = await runRoute(loginRoute.action, formPost('/login', { email, password: PASSWORD }, { cookie: before }))
		expect(response.status).toBe(302)
		const after = cookieHeaderFrom(response)
		expect(after).not.toBe(before)
		expect(await db.select().from(session).where(eq(session.userId, owner!.id))).toHaveLength(1)
		expect((await runRoute(protectedLoader, get('/tasks', { cookie: before }))).response.status).toBe(302)
		expect((await runRoute(protectedLoader, get('/tasks', { cookie: after }))).response.status).toBe(200)
	})

	test('signing up while signed in ends the previous session and signs in the new account (the page and its action no longer answer as the old one)', async () => {
		const alice = await signUp({ name: 'Alice Ball' })
		const [aliceRow] = await db.select().from(user).where(eq(user.email, alice.email))
		const carol = await runRoute(
			signupRoute.action,
			formPost(
				'/signup',
				{ name: 'Carol Shaw', email: freshEmail(), password: PASSWORD, confirmPassword: PASSWORD },
				{ cookie: alice.cookie },
			),
		)
		expect(carol.response.status).toBe(302)
		expect(carol.response.headers.get('location')).toBe('/tasks')
		expect(await db.select().from(session).where(eq(session.userId, aliceRow!.id))).toHaveLength(0)
		const now = await runRoute(protectedLoader, get('/tasks', { cookie: cookieHeaderFrom(carol.response) }))
		expect(now.data).toMatchObject({ name: 'Carol Shaw' })
		// The sign-up page itself still sends a signed-in browser to its tasks.
		const page = await runRoute(signupRoute.loader as never, get('/signup', { cookie: cookieHeaderFrom(carol.response) }))
		expect(page.response.status).toBe(302)
	})

	test('a failed sign-in while signed in changes nothing', async () => {
		const { email, cookie } = await signUp()
		const { response } = await runRoute(loginRoute.action, formPost('/login', { email, password: 'not the password' }, { cookie }))
		expect(response.status).toBe(401)
		expect((await runRoute(protectedLoader, get('/tasks', { cookie }))).response.status).toBe(200)
	})

	test('GET /logout changes nothing', async () => {
		const { cookie } = await signUp()
		const { response } = await runRoute(logoutRoute.loader, get('/logout', { cookie }))
		expect(response.status).toBe(302)
		const stillSignedIn = await runRoute(protectedLoader, get('/tasks', { cookie }))
		expect(stillSignedIn.response.status).toBe(200)
	})
})

// Cross-site request forgery: refused by the HTTP server before any route
// runs, so tested through it (tests/e2e/hardening.server.spec.ts, auth.spec.ts).

describe('tokens for the task API', () => {
	test('server code mints a minimal EdDSA token; the browser cannot get one over HTTP', async () => {
		const { cookie, email } = await signUp()
		const { token } = await auth.api.getToken({ headers: new Headers({ cookie }) })
		const header = decodeProtectedHeader(token)
		expect(header.alg).toBe('EdDSA')
		expect(header.kid).toBeTruthy()
		const claims = decodeJwt(token)
		const [owner] = await db.select().from(user).where(eq(user.email, email))
		expect(claims.sub).toBe(owner!.id)
		expect(claims.iss).toBe('http://localhost:3000')
		expect(claims.aud).toBe('taskwell-tasks-api')
		expect(claims.exp! - claims.iat!).toBe(300)
		expect(Object.keys(claims).sort()).toEqual(['aud', 'exp', 'iat', 'iss', 'sub'])

		const viaHttp = await auth.handler(new Request('http://localhost:3000/api/auth/token', { headers: { cookie } }))
		expect(viaHttp.status).toBe(404)
		const session = await auth.handler(new Request('http://localhost:3000/api/auth/get-session', { headers: { cookie } }))
		expect(session.status).toBe(404)
		expect(session.headers.get('set-auth-jwt')).toBeNull()
		expect(await session.text()).not.toMatch(/eyJ[\w-]+\.[\w-]+\.[\w-]+/)

		const jwks = await auth.handler(new Request('http://localhost:3000/api/auth/jwks'))
		const body = (await jwks.json()) as { keys: Array<Record<string, string>> }
		expect(body.keys.length).toBeGreaterThan(0)
		for (const key of body.keys) {
			expect(key).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA' })
			expect(key.d).toBeUndefined()
		}
	})

	test('sign-in and sign-up are not reachable over Better Auth HTTP routes (only via throttled forms)', async () => {
		for (const path of ['/api/auth/sign-in/email', '/api/auth/sign-up/email']) {
			const response = await auth.handler(
				new Request(`http://localhost:3000${path}`, {
					method: 'POST',
					headers: { 'content-type': 'application/json', origin: 'http://localhost:3000' },
					body: JSON.stringify({ email: 'a@example.com', password: PASSWORD, name: 'A' }),
				}),
			)
			expect(response.status, path).toBe(404)
		}
	})
})
