import { randomBytes } from 'node:crypto'
import { test as base, expect, type APIResponse, type Page } from '@playwright/test'

export const PASSWORD = 'correct horse battery'

export function uniqueEmail(prefix = 'user') {
	return `${prefix}-${randomBytes(5).toString('hex')}@example.com`
}

export type TestUser = { name: string; email: string; password: string }

export function newUser(name = 'Ada Lovelace'): TestUser {
	return { name, email: uniqueEmail(name.split(' ')[0]?.toLowerCase()), password: PASSWORD }
}

/**
 * A client address of its own for one browser context. The e2e server runs
 * with TRUST_PROXY (as behind a load balancer), so each signing-up user is
 * one client, as in real life, and the whole suite does not share one
 * per-IP sign-up budget (50 an hour).
 */
export function uniqueClientIp() {
	const [a = 0, b = 0] = randomBytes(2)
	return `198.18.${a}.${b}`
}

export async function signUp(page: Page, user: TestUser) {
	await page.context().setExtraHTTPHeaders({ 'x-forwarded-for': uniqueClientIp() })
	await page.goto('/signup')
	await page.getByLabel('Name').fill(user.name)
	await page.getByLabel('Email').fill(user.email)
	await page.getByLabel('Password', { exact: true }).fill(user.password)
	await page.getByLabel('Confirm password').fill(user.password)
	await page.getByRole('button', { name: 'Create account' }).click()
	await expect(page).toHaveURL(/\/tasks$/)
}

export async function signIn(page: Page, user: Pick<TestUser, 'email' | 'password'>, path = '/login') {
	await page.goto(path)
	await page.getByLabel('Email').fill(user.email)
	await page.getByLabel('Password', { exact: true }).fill(user.password)
	await page.getByRole('button', { name: 'Sign in', exact: true }).click()
}

export async function signOut(page: Page) {
	await page.getByRole('button', { name: 'Sign out' }).click()
	await expect(page).toHaveURL(/\/$/)
}

/**
 * Creates the account without the sign-up form: the form's own POST, sent
 * over HTTP from the page's browser context (same origin, as the form would),
 * so the session cookie it sets lands in that context. Then opens /tasks, as
 * signUp() leaves the page. `origin` defaults to the test's baseURL.
 */
export async function createSession(page: Page, user: TestUser, origin: string) {
	// Its own client address, as signUp() gives one (per-IP limits).
	const clientIp = uniqueClientIp()
	await page.context().setExtraHTTPHeaders({ 'x-forwarded-for': clientIp })
	const response = await page.context().request.post(new URL('/signup', origin).href, {
		form: { name: user.name, email: user.email, password: user.password, confirmPassword: user.password },
		headers: { Origin: new URL(origin).origin, 'x-forwarded-for': clientIp },
		maxRedirects: 0,
	})
	await expectSignedIn(page, response, origin)
}

/** signIn() without the form, for a second session of an existing account: see createSession(). */
export async function createSignInSession(page: Page, user: Pick<TestUser, 'email' | 'password'>, origin: string) {
	const response = await page.context().request.post(new URL('/login', origin).href, {
		form: { email: user.email, password: user.password },
		headers: { Origin: new URL(origin).origin },
		maxRedirects: 0,
	})
	await expectSignedIn(page, response, origin)
}

async function expectSignedIn(page: Page, response: APIResponse, origin: string) {
	expect(response.status(), `${response.url()} redirects`).toBe(302)
	expect(response.headers().location).toBe('/tasks')
	expect(response.headers()['set-cookie']).toBeTruthy()
	// What the browser would have received holds no token either.
	expect(await response.text()).not.toMatch(/eyJ[\w-]+\.[\w-]+\.[\w-]+/)
	await page.goto(new URL('/tasks', origin).href)
	await expect(page).toHaveURL(new URL('/tasks', origin).href)
}

type SessionFixtures = {
	/** The name `user` signs up with (`test.use({ userName })`). */
	userName: string
	/** A new account, signed in on `page`, which shows /tasks. */
	user: TestUser
	/** signUp() without the form, for other users or pages: see createSession(). */
	signUpDirectly: (page: Page, user: TestUser, origin?: string) => Promise<void>
}

/**
 * Playwright's `test` with signed-in users. Only the sign-up and sign-in
 * specs go through those forms; the others start from a session.
 */
export const test = base.extend<SessionFixtures>({
	userName: ['Ada Lovelace', { option: true }],
	signUpDirectly: async ({ baseURL }, use) => {
		await use((page, user, origin = baseURL) => {
			if (!origin) throw new Error('signUpDirectly needs a baseURL or an origin')
			return createSession(page, user, origin)
		})
	},
	user: async ({ page, userName, signUpDirectly }, use) => {
		const user = newUser(userName)
		await signUpDirectly(page, user)
		await use(user)
	},
})

export { expect }
