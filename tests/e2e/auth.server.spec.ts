/**
 * What the servers answer a browser's session cookie, whatever the page
 * runs (the no-js project only): a forged cross-site POST is refused, and no
 * JWT can be obtained with it. (The forms: auth.spec.ts.)
 */
import { expect, newUser, test } from './support.ts'

test('a forged cross-site POST carrying a valid session cookie is refused with 403 and changes nothing', async ({
	page,
	context,
	baseURL,
	signUpDirectly,
}) => {
	await signUpDirectly(page, newUser('Forgery Target'))
	const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ')
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

test('the browser can never obtain a JWT: /api/auth/token is 404 even with its own cookie', async ({
	page,
	context,
	baseURL,
	signUpDirectly,
}) => {
	await signUpDirectly(page, newUser('No Token'))
	const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ')
	const token = await fetch(`${baseURL}/api/auth/token`, { headers: { cookie } })
	expect(token.status).toBe(404)
	const session = await fetch(`${baseURL}/api/auth/get-session`, { headers: { cookie } })
	expect(session.status).toBe(404)
	expect(session.headers.get('set-auth-jwt')).toBeNull()
	const jwks = await fetch(`${baseURL}/api/auth/jwks`)
	expect(jwks.status).toBe(200)
})
