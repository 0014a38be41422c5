/**
 * Steps for the specs that need an admin (issue 22): an admin of the
 * suite's own, listed in ADMIN_EMAILS (playwright.config.ts), bootstrapped
 * the way the first admin is (sign up, confirm the address, /admin opens),
 * and the admin's user page with its forms.
 */
import type { Page } from '@playwright/test'
import { expect, linkFromOutbox, newUser, signIn, signUp, uniqueClientIp, type TestUser } from './support.ts'

/**
 * The slots of ADMIN_EMAILS: one per test that needs an admin of its own,
 * listed for each project (playwright.config.ts).
 */
export const ADMIN_SLOTS = ['one', 'two', 'providers', 'passkeys'] as const
export type AdminSlot = (typeof ADMIN_SLOTS)[number]

/** One of ADMIN_EMAILS: `admin-<slot>-<project>@example.com`. */
export function listedAdmin(slot: AdminSlot, project: string): TestUser {
	return { ...newUser('Grace Admin'), email: `admin-${slot}-${project}@example.com` }
}

export async function expectNotice(page: Page, text: string | RegExp) {
	await expect(page.getByRole('status').filter({ hasText: text })).toBeVisible()
}

/**
 * The admin's page signed in (a retry finds the account made by the first
 * try), with the address confirmed: then /admin opens.
 */
export async function bootstrapAdmin(page: Page, admin: TestUser) {
	await page.context().setExtraHTTPHeaders({ 'x-forwarded-for': uniqueClientIp() })
	await signIn(page, admin)
	// Signed in (a retry), or refused (no account yet): the answer has come.
	await expect(page.getByRole('button', { name: 'Sign out' }).or(page.getByRole('alert'))).toBeVisible()
	if (!/\/tasks$/.test(page.url())) await signUp(page, admin)
	const probe = await page.goto('/admin')
	if (probe?.status() === 404) {
		// Listed, but not confirmed yet: not an admin.
		await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible()
		await expect(page.getByRole('link', { name: 'Admin', exact: true })).toHaveCount(0)
		await page.goto('/verify-email')
		await page.getByLabel('Email').fill(admin.email)
		await page.getByRole('button', { name: 'Send again' }).click()
		await page.goto(await linkFromOutbox(page, admin.email, /Confirm your email for Taskwell/))
		await page.getByRole('button', { name: 'Verify email' }).click()
		// Its answer before the next page (a navigation now would cancel the form's POST).
		await expect(page).not.toHaveURL(/\/verify-email/)
		await page.goto('/admin')
	}
	await expect(page.getByRole('heading', { name: 'Users', level: 1 })).toBeVisible()
}

/** On /admin: search for `user` and open their page. */
export async function openUser(page: Page, user: Pick<TestUser, 'name' | 'email'>) {
	await page.goto('/admin')
	await page.getByLabel('Search by email or name').fill(user.email)
	await page.getByRole('button', { name: 'Search' }).click()
	const row = page.getByRole('row').filter({ hasText: user.email })
	await expect(row).toHaveCount(1)
	await expect(row.getByRole('cell', { name: 'Active' })).toBeVisible()
	await row.getByRole('link', { name: user.name }).click()
	await expect(page.getByRole('heading', { name: user.name, level: 1 })).toBeVisible()
}

/** As the admin of `page`: finds `user` and suspends them ("Suspend user", a reason, no end). */
export async function suspendUser(page: Page, user: Pick<TestUser, 'name' | 'email'>, reason = 'Sending spam') {
	await openUser(page, user)
	const suspend = page.getByRole('region', { name: 'Suspend user' })
	await suspend.getByLabel('Reason').fill(reason)
	await suspend.getByRole('button', { name: 'Suspend user' }).click()
	await expectNotice(page, `${user.name} is suspended and signed out everywhere.`)
}
