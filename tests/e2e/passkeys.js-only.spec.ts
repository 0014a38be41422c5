/**
 * Passkeys with Chromium's virtual authenticator (DevTools protocol
 * WebAuthn domain): add one in Settings, sign out, sign in with it (no
 * password, no code), rename and delete it; a passkey sign-in is remembered
 * only with "Remember me" ticked; refused while an admin has suspended the
 * account. JavaScript only: without it the passkey buttons are not shown.
 */
import type { Page } from '@playwright/test'
import { bootstrapAdmin, listedAdmin, suspendUser } from './admin-steps.ts'
import { expect, signOut, test } from './support.ts'

// axe-core's automatic page checks make the virtual authenticator's ceremony
// fail (the passkey is not created); Settings and /login are checked by axe in
// pages.spec.ts and the other specs.
test.use({ axeOnLoad: false })

/** A virtual authenticator in the page's browser, and a passkey on it added in Settings. */
async function addPasskey(page: Page) {
	const cdp = await page.context().newCDPSession(page)
	await cdp.send('WebAuthn.enable')
	await cdp.send('WebAuthn.addVirtualAuthenticator', {
		options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true },
	})
	await page.goto('/settings')
	const section = page.getByRole('region', { name: 'Passkeys' })
	await expect(section.getByText('You have no passkeys yet.')).toBeVisible()
	await section.getByLabel('Passkey label').fill('Test laptop')
	await section.getByRole('button', { name: 'Add a passkey' }).click()
	await expect(section.getByText('Your passkey has been added.')).toBeVisible()
	await expect(section.getByRole('list', { name: 'Your passkeys' }).getByText('Test laptop', { exact: true })).toBeVisible()
	return section
}

test('add a passkey, sign in with it, rename and delete it', async ({ page, user }) => {
	const section = await addPasskey(page)
	await expect(page.getByRole('region', { name: 'Recent security activity' }).getByText('Passkey added')).toBeVisible()

	await page.goto('/tasks')
	await signOut(page)
	await page.goto('/login')
	await page.getByRole('button', { name: 'Sign in with a passkey' }).click()
	await expect(page).toHaveURL(/\/tasks$/)
	await page.goto('/settings')
	await expect(page.getByText(user.email)).toBeVisible()
	await expect(page.getByRole('region', { name: 'Recent security activity' }).getByText('Signed in with a passkey')).toBeVisible()

	await section.getByLabel('New label for Test laptop').fill('Work laptop')
	await section.getByRole('button', { name: 'Rename' }).click()
	await expect(page.getByText('Your passkey has been renamed.')).toBeVisible()
	await section.getByRole('button', { name: 'Delete passkey Work laptop' }).click()
	await expect(page.getByText('Your passkey has been deleted.')).toBeVisible()
	await expect(section.getByText('You have no passkeys yet.')).toBeVisible()
	await expect(page.getByRole('region', { name: 'Recent security activity' }).getByText('Passkey removed')).toBeVisible()
})

test('a passkey sign-in honours "Remember me" like a password sign-in', async ({ page, user: _signedIn }) => {
	await addPasskey(page)
	const cookie = async (name: string) => (await page.context().cookies()).find((candidate) => candidate.name === `taskwell.${name}`)
	const signInWithPasskey = async (rememberMe: boolean) => {
		await page.goto('/tasks')
		await signOut(page)
		await page.goto('/login')
		await expect(page.getByLabel('Remember me')).not.toBeChecked()
		if (rememberMe) await page.getByLabel('Remember me').check()
		await page.getByRole('button', { name: 'Sign in with a passkey' }).click()
		await expect(page).toHaveURL(/\/tasks$/)
	}

	// Unticked: a cookie that ends with the browser, and Better Auth's dont_remember.
	await signInWithPasskey(false)
	expect((await cookie('session_token'))?.expires).toBe(-1)
	expect((await cookie('dont_remember'))?.expires).toBe(-1)

	// Ticked: kept for 7 days.
	await signInWithPasskey(true)
	const days = ((await cookie('session_token'))!.expires - Date.now() / 1000) / (24 * 60 * 60)
	expect(days).toBeGreaterThan(6.9)
	expect(days).toBeLessThanOrEqual(7)
	expect(await cookie('dont_remember')).toBeUndefined()
})

test('a passkey of an account an admin suspended: the page says "This account is suspended.", no session', async ({
	page,
	browser,
	user,
}, testInfo) => {
	await addPasskey(page)
	const admin = await (await browser.newContext()).newPage()
	await bootstrapAdmin(admin, listedAdmin('passkeys', testInfo.project.name))
	await suspendUser(admin, user)
	await admin.context().close()

	await page.goto('/login')
	await page.getByRole('button', { name: 'Sign in with a passkey' }).click()
	await expect(page.getByRole('alert')).toHaveText('This account is suspended.')
	await expect(page).toHaveURL(/\/login$/)
	expect((await page.context().cookies()).filter((cookie) => cookie.name === 'taskwell.session_token')).toEqual([])
	await page.goto('/tasks')
	await expect(page).toHaveURL(/\/login\?redirectTo=%2Ftasks$/)
})
