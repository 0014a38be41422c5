/**
 * Issue 5's account features in a real browser, in both projects (no-js
 * and js), against the production build. Mail: the e2e server runs locally
 * without SMTP_URL, so messages land in the local outbox and the tests read
 * the links from /dev/outbox, as a developer would. (Delivery over real SMTP
 * is covered by the vitest integration tests with an in-process SMTP server.)
 */
import type { Browser, Page } from '@playwright/test'
import { expectFieldError, submitForm } from './form-steps.ts'
import { createSignInSession, expect, linkFromOutbox, newUser, PASSWORD, signIn, test, type TestUser } from './support.ts'

const NEW_PASSWORD = 'a brand new passphrase'

async function signedInElsewhere(browser: Browser, user: TestUser, origin: string) {
	const context = await browser.newContext()
	const page = await context.newPage()
	await createSignInSession(page, user, origin)
	await expect(page).toHaveURL(/\/tasks$/)
	return { context, page }
}

async function openSettings(page: Page) {
	await page.goto('/tasks')
	await page.getByRole('navigation', { name: 'Account' }).getByRole('link', { name: 'Settings' }).click()
	await expect(page).toHaveURL(/\/settings$/)
}

test.describe('forgot and reset password', () => {
	test.use({ userName: 'Reset Me' })

	test('neutral answer, link by mail, new password works, every old session ends, link is single-use', async ({
		page,
		browser,
		baseURL,
		user,
	}) => {
		const other = await signedInElsewhere(browser, user, baseURL!)
		await page.getByRole('button', { name: 'Sign out' }).click()
		await expect(page.getByRole('button', { name: 'Sign out' })).toHaveCount(0)

		await page.goto('/login')
		await page.getByRole('link', { name: 'Forgot password?' }).click()
		await expect(page).toHaveURL(/\/forgot-password$/)

		// Unknown and known emails get the same answer.
		await page.getByLabel('Email').fill(`nobody-${Date.now()}@example.com`)
		await page.getByRole('button', { name: 'Send reset link' }).click()
		const neutral = page.getByRole('status').filter({ hasText: 'If an account exists for that email' })
		await expect(neutral).toBeVisible()
		await page.getByLabel('Email').fill(user.email)
		await page.getByRole('button', { name: 'Send reset link' }).click()
		await expect(neutral).toBeVisible()

		const link = await linkFromOutbox(page, user.email, /Reset your Taskwell password/)
		expect(link).toMatch(/^\/reset-password\?token=/)
		await page.goto(link)
		await submitForm(page, { 'New password': NEW_PASSWORD, 'Confirm password': 'not the same' }, 'Reset password')
		await expectFieldError(page, 'Confirm password', 'Passwords do not match')

		await submitForm(page, { 'New password': NEW_PASSWORD, 'Confirm password': NEW_PASSWORD }, 'Reset password')
		await expect(page).toHaveURL(/\/login\?reset=1$/)
		await expect(page.getByText('Your password has been reset')).toBeVisible()

		// The other browser was signed out by the reset.
		await other.page.goto('/tasks')
		await expect(other.page).toHaveURL(/\/login\?redirectTo=%2Ftasks$/)
		await other.context.close()

		await signIn(page, { email: user.email, password: PASSWORD })
		await expect(page.getByText('Invalid email or password')).toBeVisible()
		await signIn(page, { email: user.email, password: NEW_PASSWORD })
		await expect(page).toHaveURL(/\/tasks$/)

		// Used once: now it is refused, with a way to ask again.
		await page.goto(link)
		await expect(page.getByRole('heading', { name: 'This link does not work' })).toBeVisible()
		await page.getByRole('link', { name: 'Ask for a new reset link' }).click()
		await expect(page).toHaveURL(/\/forgot-password$/)
	})

	test('a forged token gets a clear message and a way to ask again', async ({ page }) => {
		await page.goto('/reset-password?token=not-a-real-token')
		await expect(page.getByText('invalid, has expired or has already been used')).toBeVisible()
		await expect(page.getByRole('link', { name: 'Ask for a new reset link' })).toBeVisible()
	})
})

test.describe('settings', () => {
	test('is reachable from the header, protected, and changes the name', async ({ page, signUpDirectly }) => {
		await page.goto('/settings')
		await expect(page).toHaveURL(/\/login\?redirectTo=%2Fsettings$/)
		const user = newUser('Name Changer')
		await signUpDirectly(page, user)
		await openSettings(page)
		// The profile's name (the access tokens' form has a Name too).
		const profile = page.getByRole('region', { name: 'Profile' })
		await submitForm(profile, { Name: '   ' }, 'Save name')
		await expectFieldError(profile, 'Name', 'Name is required')
		await submitForm(profile, { Name: 'Renamed Person' }, 'Save name')
		await expect(page.getByText('Your name has been saved.')).toBeVisible()
		await expect(page.getByRole('navigation', { name: 'Account' })).toContainText('Renamed Person')
		await expect(profile.getByLabel('Name')).toHaveValue('Renamed Person')
	})

	test('changes the password; "Sign out other devices" ends the other sessions only', async ({ page, browser, baseURL, user }) => {
		const other = await signedInElsewhere(browser, user, baseURL!)
		await openSettings(page)
		// "Current password" is also asked by "Change email": this is the password form's.
		const passwordForm = page.getByRole('region', { name: 'Change password' })
		const newPassword = { 'New password': NEW_PASSWORD, 'Confirm password': NEW_PASSWORD }

		await submitForm(passwordForm, { 'Current password': 'definitely wrong', ...newPassword }, 'Change password')
		await expectFieldError(passwordForm, 'Current password', 'Incorrect password')

		await submitForm(passwordForm, { 'Current password': PASSWORD, ...newPassword, 'Sign out other devices': true }, 'Change password')
		await expect(page.getByText('other devices have been signed out')).toBeVisible()

		await page.goto('/tasks')
		await expect(page).toHaveURL(/\/tasks$/)
		await other.page.goto('/tasks')
		await expect(other.page).toHaveURL(/\/login/)
		await other.context.close()
	})

	test('lists sessions, marks this device, signs out one or all others', async ({ page, browser, baseURL, signUpDirectly }) => {
		const user = newUser('Session Keeper')
		await signUpDirectly(page, user)
		const second = await signedInElsewhere(browser, user, baseURL!)
		const third = await signedInElsewhere(browser, user, baseURL!)
		await openSettings(page)

		const sessions = page.getByRole('region', { name: 'Where you are signed in' }).getByRole('listitem')
		await expect(sessions).toHaveCount(3)
		await expect(sessions.first()).toContainText('This device')
		await expect(sessions.first()).toContainText('Chrome')
		await expect(sessions.first()).toContainText('IP address')
		await expect(sessions.first()).toContainText('Last active')
		await expect(sessions.filter({ hasText: 'This device' })).toHaveCount(1)

		await sessions.nth(1).getByRole('button', { name: 'Sign out' }).click()
		await expect(page.getByText('That session has been signed out.')).toBeVisible()
		await expect(sessions).toHaveCount(2)

		await page.getByRole('button', { name: 'Sign out of all other sessions' }).click()
		await expect(page.getByText('All your other sessions have been signed out.')).toBeVisible()
		await expect(sessions).toHaveCount(1)
		for (const other of [second, third]) {
			await other.page.goto('/tasks')
			await expect(other.page).toHaveURL(/\/login/)
			await other.context.close()
		}
		await page.goto('/tasks')
		await expect(page).toHaveURL(/\/tasks$/)
	})

	test('deletes the account after the password is typed, then signs out', async ({ page, user }) => {
		await openSettings(page)
		const region = page.getByRole('region', { name: 'Delete account' })
		await submitForm(region, { Password: 'wrong password' }, 'Delete account')
		await expect(region.getByText('Incorrect password')).toBeVisible()

		await submitForm(region, { Password: user.password }, 'Delete account')
		await expect(page).toHaveURL(/\/(\?deleted=1)?(#main)?$/)
		await expect(page.getByRole('status')).toHaveText('Your account was deleted.')
		await expect(page.getByRole('navigation', { name: 'Account' }).getByRole('link', { name: 'Sign in', exact: true })).toBeVisible()
		await signIn(page, user)
		await expect(page.getByText('Invalid email or password')).toBeVisible()
	})
})
