/**
 * Which of Better Auth's HTTP routes answer from the browser (issue 13):
 * exactly the allowlist in app/lib/auth/better-auth.server.ts. Every endpoint Better
 * Auth (and its plugins) define is requested over HTTP, through the app's
 * resource route and through Better Auth's own handler, with a valid session
 * cookie and a same-origin Origin; all but the allowlist answer 404. The
 * server-side auth.api calls the app makes keep working.
 */
import { describe, expect, test } from 'vitest'
import { auth, OPEN_AUTH_ROUTES } from '#app/lib/auth/better-auth.server.ts'
import { database } from '#app/lib/db.server.ts'
import * as apiAuthRoute from '#app/routes/api.auth.$.ts'
import * as loginRoute from '#app/routes/auth/login.tsx'
import { onTestDatabaseTeardown } from '#tests/support/fresh-database.ts'
import { PASSWORD, signUp } from '#tests/support/accounts.ts'
import { APP_ORIGIN, runRoute } from '#tests/support/routes.ts'

onTestDatabaseTeardown(() => database.close())

type Endpoint = { path?: string; options?: { method?: string | string[] } }

/** Every HTTP route Better Auth defines: "GET /jwks", "POST /sign-out", … */
function everyAuthRoute(): Array<{ method: string; path: string }> {
	const routes: Array<{ method: string; path: string }> = []
	for (const endpoint of Object.values(auth.api as unknown as Record<string, Endpoint>)) {
		if (!endpoint?.path) continue // server-only (no route)
		const declared = endpoint.options?.method ?? 'GET'
		const methods = declared === '*' ? ['GET', 'POST'] : Array.isArray(declared) ? declared : [declared]
		for (const method of methods) routes.push({ method, path: endpoint.path })
	}
	return routes
}

const signedInCookie = () => signUp({ name: 'Route Walker' })

function authRequest(method: string, path: string, cookie: string) {
	const concrete = path.replace(/:[a-zA-Z]+/g, 'some-value')
	const headers = new Headers({ cookie, origin: APP_ORIGIN })
	const init: RequestInit = { method, headers }
	if (method !== 'GET') {
		headers.set('content-type', 'application/json')
		init.body = JSON.stringify({ email: 'someone@example.com', password: PASSWORD, newPassword: PASSWORD, token: 'x' })
	}
	return new Request(`${APP_ORIGIN}/api/auth${concrete}`, init)
}

async function throughTheApp(request: Request) {
	return (await runRoute(request.method === 'GET' ? apiAuthRoute.loader : apiAuthRoute.action, request)).response
}

describe('Better Auth over HTTP', () => {
	test('the allowlist is what the app needs from outside: the public key set for the task API, the passkey ceremony', () => {
		// Plus GET /callback/<provider> for each configured sign-in provider
		// (none here; see sign-in-providers.test.ts), and no sign-in buttons.
		expect(OPEN_AUTH_ROUTES.map(({ method, path }) => `${method} ${path}`)).toEqual([
			'GET /jwks',
			'GET /passkey/generate-register-options',
			'POST /passkey/verify-registration',
			'GET /passkey/generate-authenticate-options',
			'POST /passkey/verify-authentication',
		])
	})

	test('without provider variables /login offers no provider and every callback is closed', async () => {
		const { data } = await runRoute(loginRoute.loader as never, new Request(`${APP_ORIGIN}/login`))
		expect(data.providers).toEqual([])
		for (const provider of ['github', 'google', 'oidc']) {
			expect((await throughTheApp(new Request(`${APP_ORIGIN}/api/auth/callback/${provider}?code=x&state=y`))).status).toBe(404)
		}
	})

	test('answers exactly the allowlisted routes, through the app and through Better Auth’s handler', async () => {
		const { cookie } = await signedInCookie()
		const routes = everyAuthRoute()
		// The walk covers what the review found open (and the plugin routes).
		for (const path of [
			'/get-session',
			'/list-accounts',
			'/account-info',
			'/update-session',
			'/refresh-token',
			'/get-access-token',
			'/link-social',
			'/unlink-account',
			'/reset-password/:token',
			'/token',
			'/jwks',
			'/two-factor/enable',
			'/two-factor/verify-totp',
			'/two-factor/verify-backup-code',
			'/passkey/list-user-passkeys',
			'/passkey/delete-passkey',
		]) {
			expect(routes.map((route) => route.path)).toContain(path)
		}
		for (const via of [throughTheApp, (request: Request) => auth.handler(request)]) {
			const answering: string[] = []
			for (const { method, path } of routes) {
				const response = await via(authRequest(method, path, cookie))
				if (response.status !== 404) answering.push(`${method} ${path}`)
			}
			expect(answering.sort()).toEqual(OPEN_AUTH_ROUTES.map(({ method, path }) => `${method} ${path}`).sort())
		}
	})

	test('the session token is not readable over HTTP, and a reset link cannot be followed at /api/auth', async () => {
		const { cookie } = await signedInCookie()
		const session = await throughTheApp(authRequest('GET', '/get-session', cookie))
		expect(session.status).toBe(404)
		expect(await session.text()).not.toMatch(/token/i)
		// Any token: the route is closed before the token is looked at.
		const reset = await throughTheApp(authRequest('GET', '/reset-password/any-token?callbackURL=/x', cookie))
		expect(reset.status).toBe(404)
	})

	test('spellings of a closed route do not slip through', async () => {
		const { cookie } = await signedInCookie()
		for (const path of ['/get-session/', '//get-session', '/get-session?x=1', '/GET-SESSION', '/jwks/../get-session', '/%67et-session']) {
			const response = await throughTheApp(new Request(`${APP_ORIGIN}/api/auth${path}`, { headers: { cookie, origin: APP_ORIGIN } }))
			expect(response.status, path).toBe(404)
		}
	})

	test('the key set answers, and server-side auth.api calls still work', async () => {
		const jwks = await throughTheApp(new Request(`${APP_ORIGIN}/api/auth/jwks`))
		expect(jwks.status).toBe(200)
		expect(((await jwks.json()) as { keys: unknown[] }).keys.length).toBeGreaterThan(0)
		const { cookie } = await signedInCookie()
		const headers = new Headers({ cookie })
		expect((await auth.api.getSession({ headers }))?.user.name).toBe('Route Walker')
		expect((await auth.api.listSessions({ headers })).length).toBe(1)
		expect((await auth.api.getToken({ headers })).token).toMatch(/^eyJ/)
	})
})
