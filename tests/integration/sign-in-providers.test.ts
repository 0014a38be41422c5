/**
 * GitHub and Google sign-in (issue 10), without network: with their
 * variables set, /login and /signup offer "Continue with GitHub" and
 * "Continue with Google", and the button's POST answers 302 to the
 * provider's documented authorize URL with PKCE (S256) and state, setting
 * Better Auth's state cookie. Only their callbacks open at /api/auth. A
 * callback without a valid state comes back to /login with a message.
 * (OpenID Connect runs end to end against a real provider in
 * tests/e2e/sign-in-providers.spec.ts.)
 */
import { describe, expect, test } from 'vitest'
import { onTestDatabaseTeardown } from '#tests/support/fresh-database.ts'
import { setEnvForThisFile } from '#tests/support/test-env.ts'

const PROVIDER_ENV = {
	GITHUB_CLIENT_ID: 'gh-client-id',
	GITHUB_CLIENT_SECRET: 'gh-client-secret',
	GOOGLE_CLIENT_ID: 'google-client-id.apps.googleusercontent.com',
	GOOGLE_CLIENT_SECRET: 'google-client-secret',
	// An OpenID provider that is down (nothing listens on port 9).
	OIDC_ISSUER: 'http://127.0.0.1:9',
	OIDC_CLIENT_ID: 'oidc-client',
	OIDC_CLIENT_SECRET: 'oidc-secret',
	OIDC_PROVIDER_NAME: 'Corp SSO',
}
setEnvForThisFile(PROVIDER_ENV)

const { APP_ORIGIN, formPost, get, runRoute } = await import('#tests/support/routes.ts')
const { database } = await import('#app/lib/db.server.ts')
const { OPEN_AUTH_ROUTES } = await import('#app/lib/auth/better-auth.server.ts')
const { configuredProviders } = await import('#app/lib/auth/providers.server.ts')
const { readAppEnv } = await import('#app/lib/env.server.ts')
const loginRoute = await import('#app/routes/auth/login.tsx')
const signupRoute = await import('#app/routes/auth/signup.tsx')
const apiAuthRoute = await import('#app/routes/api.auth.$.ts')

onTestDatabaseTeardown(() => database.close())

describe('which buttons appear', () => {
	test('each provider only when all of its variables are set', () => {
		expect(configuredProviders(readAppEnv({}))).toEqual([])
		expect(configuredProviders(readAppEnv({ GITHUB_CLIENT_ID: 'x', GITHUB_CLIENT_SECRET: 'y' }))).toEqual([
			{ id: 'github', name: 'GitHub' },
		])
		expect(configuredProviders(readAppEnv({ GOOGLE_CLIENT_ID: 'x', GOOGLE_CLIENT_SECRET: 'y' }))).toEqual([
			{ id: 'google', name: 'Google' },
		])
		expect(
			configuredProviders(readAppEnv({ OIDC_ISSUER: 'https://sso.example.com', OIDC_CLIENT_ID: 'x', OIDC_CLIENT_SECRET: 'y' })),
		).toEqual([{ id: 'oidc', name: 'SSO' }])
		expect(() => readAppEnv({ GITHUB_CLIENT_ID: 'x' })).toThrowError(/GITHUB_CLIENT_SECRET: is required with GITHUB_CLIENT_ID/)
	})

	test('/login and /signup offer GitHub, Google and the OpenID provider here', async () => {
		for (const route of [loginRoute, signupRoute]) {
			const { data } = await runRoute(route.loader as never, get('/login'))
			expect(data.providers).toEqual([
				{ id: 'github', name: 'GitHub' },
				{ id: 'google', name: 'Google' },
				{ id: 'oidc', name: 'Corp SSO' },
			])
		}
	})
})

describe('the authorization redirect', () => {
	test.each([
		['github', 'https://github.com/login/oauth/authorize', loginRoute, '/login'],
		['google', 'https://accounts.google.com/o/oauth2/v2/auth', signupRoute, '/signup'],
	] as const)('%s: 302 to %s with PKCE (S256) and state, and the state cookie', async (provider, authorizeUrl, route, path) => {
		const { response } = await runRoute(
			route.action as never,
			formPost(path, { intent: 'provider', provider, redirectTo: '/tasks?status=active' }),
		)
		expect(response.status).toBe(302)
		const location = new URL(response.headers.get('location')!)
		expect(`${location.origin}${location.pathname}`).toBe(authorizeUrl)
		expect(location.searchParams.get('client_id')).toBe(
			provider === 'github' ? PROVIDER_ENV.GITHUB_CLIENT_ID : PROVIDER_ENV.GOOGLE_CLIENT_ID,
		)
		expect(location.searchParams.get('redirect_uri')).toBe(`${APP_ORIGIN}/api/auth/callback/${provider}`)
		expect(location.searchParams.get('response_type')).toBe('code')
		expect(location.searchParams.get('code_challenge_method')).toBe('S256')
		expect(location.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/)
		const state = location.searchParams.get('state')
		expect(state).toMatch(/^[\w-]{16,}$/)
		// The state is bound to this browser by a signed, HttpOnly cookie.
		const stateCookie = response.headers.getSetCookie().find((cookie) => cookie.startsWith('taskwell.state='))
		expect(stateCookie).toMatch(/HttpOnly/i)
		expect(stateCookie).toContain(state!)
		// Nothing about the code verifier or the target leaves the server.
		expect(location.search).not.toContain('status')
	})

	test('a provider that cannot be reached is a message on the page, not an error page', async () => {
		const { response, data } = await runRoute(loginRoute.action as never, formPost('/login', { intent: 'provider', provider: 'oidc' }))
		expect(response.status).toBe(503)
		expect(data.providerError).toMatch(/cannot be reached right now/)
	})

	test('an unknown provider is refused on the page', async () => {
		const { response, data } = await runRoute(loginRoute.action as never, formPost('/login', { intent: 'provider', provider: 'myspace' }))
		expect(response.status).toBe(400)
		expect(data.providerError).toBe('That sign-in provider is not available.')
	})
})

describe('the callbacks', () => {
	test('only the configured providers’ callbacks are open', () => {
		// (Besides the key set and the passkey ceremony: see auth-routes.test.ts.)
		expect(OPEN_AUTH_ROUTES.map(({ method, path }) => `${method} ${path}`).filter((route) => !route.includes('/passkey/'))).toEqual([
			'GET /jwks',
			'GET /callback/github',
			'GET /callback/google',
			'GET /callback/oidc',
		])
	})

	test('a callback without a valid state comes back to /login with a code the page turns into a message', async () => {
		for (const query of ['?code=abc', '?code=abc&state=forged-state', '?error=access_denied&state=forged-state']) {
			const { response } = await runRoute(apiAuthRoute.loader as never, get(`/api/auth/callback/github${query}`))
			expect(response.status, query).toBe(302)
			const location = new URL(response.headers.get('location')!, APP_ORIGIN)
			expect(location.pathname, query).toBe('/login')
			const error = location.searchParams.get('error')
			expect(error, query).toBeTruthy()
			const page = await runRoute(loginRoute.loader as never, get(`${location.pathname}${location.search}`))
			expect(page.response.status).toBe(200)
		}
		const closed = await runRoute(apiAuthRoute.loader as never, get('/api/auth/callback/myspace?code=abc'))
		expect(closed.response.status).toBe(404)
	})
})
