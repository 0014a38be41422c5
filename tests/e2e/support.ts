import { randomBytes } from 'node:crypto'
import { expect, type Page } from '@playwright/test'

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
	await page.getByRole('button', { name: 'Sign in' }).click()
}

export async function signOut(page: Page) {
	await page.getByRole('button', { name: 'Sign out' }).click()
	await expect(page).toHaveURL(/\/$/)
}
