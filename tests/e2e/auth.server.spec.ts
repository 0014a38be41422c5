/**
 * What the servers answer a browser's session cookie, whatever the page
 * runs (the no-js project only): a forged cross-site POST is refused, and no
 * JWT can be obtained with it. (The forms: auth.spec.ts.)
 */
import type { Page } from '@playwright/test'
import { cookieHeader, expect, newUser, test, type SignUpDirectly } from './support.ts'

/** A new account signed in on `page`: the Cookie header its browser then sends. */
async function signedInCookie(page: Page, signUpDirectly: SignUpDirectly, name: string) {
	await signUpDirectly(page, newUser(name))
	return cookieHeader(page.context())
}

test('a forged cross-site POST carrying a valid session cookie is refused with 403 and changes nothing', async ({
	page,
	baseURL,
	signUpDirectly,
}) => {
	const cookie = await signedInCookie(page, signUpDirectly, 'Forgery Target')
	for (const path of ['/logout', '/api/auth/sign-out', '/login']) {
		const response = await fetch(`${baseURL}${path}`, {
			method: 'POST',
			redirect: 'manual',
			headers: {
				cookie,
				origin: 'https://evil.example',
				'content-type': 'application/x-www-form-urlencoded',
			},
			body: 'intent=logout',
		})
		expect(response.status, path).toBe(403)
		expect(response.headers.getSetCookie(), path).toEqual([])
	}
	// Still signed in.
	await page.goto('/tasks')
	await expect(page).toHaveURL(/\/tasks$/)
})

test('the browser can never obtain a JWT: /api/auth/token is 404 even with its own cookie', async ({ page, baseURL, signUpDirectly }) => {
	const cookie = await signedInCookie(page, signUpDirectly, 'No Token')
	const token = await fetch(`${baseURL}/api/auth/token`, { headers: { cookie } })
	expect(token.status).toBe(404)
	const session = await fetch(`${baseURL}/api/auth/get-session`, { headers: { cookie } })
	expect(session.status).toBe(404)
	expect(session.headers.get('set-auth-jwt')).toBeNull()
	const jwks = await fetch(`${baseURL}/api/auth/jwks`)
	expect(jwks.status).toBe(200)
})
