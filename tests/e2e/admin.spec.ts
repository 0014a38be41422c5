/**
 * Issue 22, administration, in a real browser (with and without JavaScript)
 * against both real services. The e2e server lists admin addresses per
 * project in ADMIN_EMAILS (playwright.config.ts); each test bootstraps its
 * own admin through it (admin-steps.ts): sign up, confirm the address, and
 * /admin opens (before the confirmation it is the ordinary 404 page).
 *
 * 1. An admin finds a user, suspends them (their open session in another
 *    browser is signed out on its next request, and signing in says the
 *    account is suspended), restores them, and makes them an admin and back.
 * 2. An admin acts as a user (the banner on every page, no /admin, no
 *    credential forms), stops acting, and deletes the account.
 */
import type { Browser, Page } from '@playwright/test'
import { bootstrapAdmin, expectNotice, listedAdmin, openUser } from './admin-steps.ts'
import { expect, newUser, signIn, test, type TestUser } from './support.ts'

async function expectNotFound(page: Page, path: string) {
	const response = await page.goto(path)
	expect(response?.status()).toBe(404)
	await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible()
}

/** Someone else: signed up in a browser of their own (kept open), with one task. */
async function userElsewhere(
	browser: Browser,
	javaScriptEnabled: boolean,
	name: string,
	signUpDirectly: (page: Page, user: TestUser) => Promise<void>,
) {
	const user = newUser(name)
	const context = await browser.newContext({ javaScriptEnabled })
	const page = await context.newPage()
	await signUpDirectly(page, user)
	await page.getByLabel('Title').fill(`${name}'s task`)
	await page.getByRole('button', { name: 'Add task' }).click()
	await expect(page.getByRole('link', { name: `${name}'s task`, exact: true })).toBeVisible()
	return { user, context, page }
}

test('an admin finds a user, suspends and restores them, and sets their role', async ({
	page,
	browser,
	javaScriptEnabled,
	signUpDirectly,
	baseURL,
}, testInfo) => {
	const admin = listedAdmin('one', testInfo.project.name)
	const bob = await userElsewhere(browser, javaScriptEnabled, 'Bob Target', signUpDirectly)
	// Not an admin: /admin and its actions are the ordinary 404 page.
	await expectNotFound(bob.page, '/admin')
	await expectNotFound(bob.page, '/admin/audit')
	const forged = await bob.page.request.post('/admin/users/someone', {
		form: { intent: 'set-role', role: 'admin' },
		headers: { Origin: new URL(baseURL!).origin },
		maxRedirects: 0,
	})
	expect(forged.status()).toBe(404)

	await bootstrapAdmin(page, admin)
	await openUser(page, bob.user)

	// Suspend: a reason is required.
	const suspend = page.getByRole('region', { name: 'Suspend user' })
	await suspend.getByRole('button', { name: 'Suspend user' }).click()
	await expect(suspend.getByText('Give a reason')).toBeVisible()
	await suspend.getByLabel('Reason').fill('Sending spam')
	await suspend.getByRole('button', { name: 'Suspend user' }).click()
	await expectNotice(page, 'Bob Target is suspended and signed out everywhere.')
	await expect(page.getByRole('region', { name: 'Profile' }).getByText(/Suspended: Sending spam/)).toBeVisible()

	// Bob's open session ends on its next request; signing in says why.
	await bob.page.goto('/tasks')
	await expect(bob.page).toHaveURL(/\/login\?redirectTo=%2Ftasks$/)
	await signIn(bob.page, bob.user)
	await expect(bob.page.getByText('This account is suspended.')).toBeVisible()
	await expect(bob.page).toHaveURL(/\/login/)

	// Restore: Bob signs in again, his task still there.
	await page.getByRole('button', { name: 'Restore user' }).click()
	await expectNotice(page, 'Bob Target is restored and can sign in again.')
	await signIn(bob.page, bob.user)
	await expect(bob.page).toHaveURL(/\/tasks$/)
	await expect(bob.page.getByRole('link', { name: "Bob Target's task", exact: true })).toBeVisible()

	// Set role: an admin, then a user again.
	const role = page.getByRole('region', { name: 'Set role' })
	await role.getByLabel('Role').selectOption('admin')
	await role.getByRole('button', { name: 'Set role' }).click()
	await expectNotice(page, 'Bob Target is now an admin.')
	await bob.page.goto('/admin')
	await expect(bob.page.getByRole('heading', { name: 'Users', level: 1 })).toBeVisible()
	await page.getByRole('region', { name: 'Set role' }).getByLabel('Role').selectOption('user')
	await page.getByRole('region', { name: 'Set role' }).getByRole('button', { name: 'Set role' }).click()
	await expectNotice(page, 'Bob Target is now a user.')
	await expectNotFound(bob.page, '/admin')

	// The audit log has each of it, newest first.
	await page.goto('/admin/audit')
	const rows = page.getByRole('row').filter({ hasText: bob.user.email })
	await expect(rows.filter({ hasText: 'Suspended' }).filter({ hasText: 'Sending spam' })).toHaveCount(1)
	await expect(rows.filter({ hasText: 'Restored' })).toHaveCount(1)
	await expect(rows.filter({ hasText: 'Made admin' })).toHaveCount(1)
	await expect(rows.filter({ hasText: 'Removed admin role' })).toHaveCount(1)
	await bob.context.close()
})

test('an admin acts as a user, stops acting, and deletes the account', async ({
	page,
	browser,
	javaScriptEnabled,
	signUpDirectly,
	baseURL,
}, testInfo) => {
	const admin = listedAdmin('two', testInfo.project.name)
	const carol = await userElsewhere(browser, javaScriptEnabled, 'Carol Target', signUpDirectly)
	await bootstrapAdmin(page, admin)
	await openUser(page, carol.user)

	// Act as Carol: the admin's password again.
	const act = page.getByRole('region', { name: 'Act as this user' })
	await act.getByLabel('Your password').fill('not my password')
	await act.getByRole('button', { name: 'Act as this user' }).click()
	await expect(page.getByRole('region', { name: 'Act as this user' }).getByText('Incorrect password')).toBeVisible()
	await page.getByRole('region', { name: 'Act as this user' }).getByLabel('Your password').fill(admin.password)
	await page.getByRole('region', { name: 'Act as this user' }).getByRole('button', { name: 'Act as this user' }).click()
	await expect(page).toHaveURL(/\/tasks$/)
	const banner = page.getByRole('region', { name: 'Acting as another user' })
	await expect(banner).toContainText(`You are acting as ${carol.user.name} (${carol.user.email})`)
	await expect(page.getByRole('link', { name: "Carol Target's task", exact: true })).toBeVisible()
	// While acting: no /admin, no credential forms, the banner on every page.
	await expectNotFound(page, '/admin')
	await page.goto('/settings')
	await expect(banner).toBeVisible()
	await expect(page.getByRole('heading', { name: 'Change password' })).toHaveCount(0)
	await expect(page.getByRole('heading', { name: 'Delete account' })).toHaveCount(0)
	// Access tokens: the lists only; making one or signing a device in is refused too.
	await expect(page.getByRole('region', { name: 'Access tokens' })).toBeVisible()
	await expect(page.getByRole('button', { name: 'Create token' })).toHaveCount(0)
	const origin = { Origin: new URL(baseURL!).origin }
	const createToken = await page.context().request.post('/settings', {
		form: { intent: 'create-access-token', name: 'Not mine', expiresIn: '30', access: 'read', workspace: 'personal' },
		headers: origin,
		maxRedirects: 0,
	})
	expect(createToken.status()).toBe(403)
	await page.goto('/device')
	await expect(page.getByText('You are acting as this user: only they can sign in a device.')).toBeVisible()
	await expect(page.getByRole('button', { name: 'Continue' })).toHaveCount(0)
	const allow = await page.context().request.post('/device', {
		form: { intent: 'allow', user_code: 'ABCD1234' },
		headers: origin,
		maxRedirects: 0,
	})
	expect(allow.status()).toBe(403)

	await banner.getByRole('button', { name: 'Stop acting' }).click()
	await expect(page).toHaveURL(/\/admin$/)
	await expect(page.getByRole('heading', { name: 'Users', level: 1 })).toBeVisible()
	await expect(page.getByRole('region', { name: 'Acting as another user' })).toHaveCount(0)

	// Carol's own activity says an administrator acted as her.
	await carol.page.goto('/settings')
	await expect(
		carol.page.getByRole('region', { name: 'Recent security activity' }).getByText('An administrator acted as you'),
	).toBeVisible()

	// Delete: the email typed to confirm.
	await openUser(page, carol.user)
	const remove = page.getByRole('region', { name: 'Delete user' })
	await remove.getByLabel(`Type “${carol.user.email}” to confirm`).fill('someone@example.com')
	await remove.getByRole('button', { name: 'Delete user' }).click()
	await expect(
		page.getByRole('region', { name: 'Delete user' }).getByText(`Type the account's email, ${carol.user.email}, to confirm.`),
	).toBeVisible()
	await page.getByRole('region', { name: 'Delete user' }).getByLabel(`Type “${carol.user.email}” to confirm`).fill(carol.user.email)
	await page.getByRole('region', { name: 'Delete user' }).getByRole('button', { name: 'Delete user' }).click()
	await expectNotice(page, `The account ${carol.user.email} was deleted.`)
	await carol.page.goto('/tasks')
	await expect(carol.page).toHaveURL(/\/login\?redirectTo=%2Ftasks$/)
	await page.goto('/admin/audit')
	const rows = page.getByRole('row').filter({ hasText: carol.user.email })
	await expect(rows.filter({ hasText: 'Started acting as' })).toHaveCount(1)
	await expect(rows.filter({ hasText: 'Stopped acting as' })).toHaveCount(1)
	await expect(rows.filter({ hasText: 'Deleted' })).toHaveCount(1)
	await carol.context.close()
})
