/**
 * Issue 10 in a real browser, both projects (no-js and js), against the
 * production build and a real OpenID Connect provider on loopback
 * (tests/e2e/oidc-provider.mjs, the `oidc-provider` package), offered as
 * "Continue with Test SSO". Its users: any address; one whose local part
 * starts with "unverified" has email_verified=false. While an admin has
 * suspended the account (issue 22), the round trip ends on /login, refused.
 */
import { randomBytes } from 'node:crypto'
import type { Page } from '@playwright/test'
import { bootstrapAdmin, listedAdmin, suspendUser } from './admin-steps.ts'
import { expect, newUser, signIn, test, uniqueClientIp } from './support.ts'

const SSO = 'Test SSO'

function ssoEmail(kind: 'verified' | 'unverified') {
	return `${kind}-${randomBytes(5).toString('hex')}@oidc.test`
}

/** A signed-out browser with its own client IP, on `path`. */
async function visit(page: Page, path: string) {
	await page.context().setExtraHTTPHeaders({ 'x-forwarded-for': uniqueClientIp() })
	await page.goto(path)
}

/** At the provider's login page: signs in as `email` (or denies). */
async function atProvider(page: Page, email: string | 'deny') {
	await expect(page.getByRole('heading', { name: 'Test identity provider' })).toBeVisible()
	if (email === 'deny') {
		await page.getByRole('button', { name: 'Deny' }).click()
		return
	}
	await page.getByLabel('Email').fill(email)
	await page.getByRole('button', { name: 'Sign in' }).click()
}

async function continueWithSso(page: Page, email: string | 'deny') {
	await page.getByRole('button', { name: `Continue with ${SSO}` }).click()
	await atProvider(page, email)
}

async function signOut(page: Page) {
	await page.getByRole('button', { name: 'Sign out' }).click()
	await expect(page).toHaveURL(/\/$/)
}

const linkedAccounts = (page: Page) => page.getByRole('region', { name: 'Linked accounts' })

test('first sign-in with the provider creates the account, the second reuses it', async ({ page }) => {
	const email = ssoEmail('verified')
	await visit(page, '/login')
	await continueWithSso(page, email)
	await expect(page).toHaveURL(/\/tasks$/)

	await page.goto('/settings')
	await expect(page.getByRole('region', { name: 'Profile' }).getByText(email)).toBeVisible()
	await expect(linkedAccounts(page).getByRole('listitem')).toHaveText([`${SSO} (your only way to sign in)`])
	// Mark this account: a second sign-in must land in it, not in a new one.
	await page.getByRole('region', { name: 'Profile' }).getByLabel('Name').fill('Returning Ssouser')
	await page.getByRole('button', { name: 'Save name' }).click()
	await expect(page.getByText('Your name has been saved.')).toBeVisible()
	await signOut(page)

	await page.goto('/signup')
	await continueWithSso(page, email)
	await expect(page).toHaveURL(/\/tasks$/)
	await page.goto('/settings')
	await expect(page.getByRole('region', { name: 'Profile' }).getByLabel('Name')).toHaveValue('Returning Ssouser')
	await expect(linkedAccounts(page).getByRole('listitem')).toHaveCount(1)
})

test('denying at the provider comes back to /login with a message, redirectTo kept', async ({ page }) => {
	await visit(page, '/settings')
	await expect(page).toHaveURL(/\/login\?redirectTo=%2Fsettings$/)
	await continueWithSso(page, 'deny')
	await expect(page).toHaveURL(/\/login\?redirectTo=%2Fsettings&error=access_denied(&|$)/)
	await expect(page.getByRole('alert')).toHaveText('Signing in with the provider was cancelled. Nothing has changed.')
	// And the page still works: this time the round trip ends where the user was going.
	await continueWithSso(page, ssoEmail('verified'))
	await expect(page).toHaveURL(/\/settings$/)
})

test('redirectTo survives the round trip to the provider', async ({ page }) => {
	await visit(page, '/tasks?status=active')
	await expect(page).toHaveURL(/\/login\?redirectTo=/)
	await continueWithSso(page, ssoEmail('verified'))
	await expect(page).toHaveURL(/\/tasks\?status=active$/)
})

test('a provider identity matching an existing account is refused unless both emails are verified: no takeover', async ({
	page,
	browser,
	signUpDirectly,
}) => {
	// The owner's account (password; its email not verified: verification is off here).
	const owner = { ...newUser('Account Owner'), email: ssoEmail('unverified') }
	const ownerContext = await browser.newContext()
	const ownerPage = await ownerContext.newPage()
	await signUpDirectly(ownerPage, owner)

	// The provider says the address is not verified: refused.
	await visit(page, '/login')
	await continueWithSso(page, owner.email)
	await expect(page).toHaveURL(/\/login\?error=account_not_linked$/)
	await expect(page.getByRole('alert')).toContainText('Sign in with your password, then link the provider from Settings.')
	await page.goto('/tasks')
	await expect(page).toHaveURL(/\/login\?redirectTo=/)

	// A verified provider address is refused too while the account's own email is unverified.
	const second = { ...newUser('Second Owner'), email: ssoEmail('verified') }
	const secondContext = await browser.newContext()
	await signUpDirectly(await secondContext.newPage(), second)
	// (A browser of its own: the provider's session is another user's in `page`.)
	const attacker = await (await browser.newContext()).newPage()
	await visit(attacker, '/login')
	await continueWithSso(attacker, second.email)
	await expect(attacker).toHaveURL(/\/login\?error=account_not_linked$/)
	await attacker.context().close()

	// Nothing was linked: the owner still has only the password.
	for (const [account, context] of [
		[owner, ownerContext],
		[second, secondContext],
	] as const) {
		const ownPage = context.pages()[0]!
		await ownPage.goto('/settings')
		await expect(linkedAccounts(ownPage).getByRole('listitem')).toHaveText(['Password (your only way to sign in)'])
		await signOut(ownPage)
		await signIn(ownPage, account)
		await expect(ownPage).toHaveURL(/\/tasks$/)
		await context.close()
	}
})

test('links the provider from Settings, signs in with it, unlinks it (never the last method)', async ({ page, signUpDirectly }) => {
	const user = { ...newUser('Link Tester'), email: ssoEmail('verified') }
	await signUpDirectly(page, user)
	await page.goto('/settings')
	const section = linkedAccounts(page)
	await expect(section.getByRole('listitem')).toHaveText(['Password (your only way to sign in)'])

	await section.getByRole('button', { name: `Link ${SSO}` }).click()
	await atProvider(page, user.email)
	await expect(page).toHaveURL(/\/settings\?linked=oidc$/)
	await expect(section.getByRole('status')).toHaveText(`${SSO} is linked: you can sign in with it.`)
	await expect(section.getByRole('listitem')).toHaveText(['Password Unlink', `${SSO} Unlink`])
	await expect(section.getByRole('button', { name: `Link ${SSO}`, exact: true })).toHaveCount(0)

	// Sign in with the provider: the same account.
	await signOut(page)
	await page.goto('/login')
	await continueWithSso(page, user.email)
	await expect(page).toHaveURL(/\/tasks$/)
	await page.goto('/settings')
	await expect(page.getByRole('region', { name: 'Profile' }).getByLabel('Name')).toHaveValue('Link Tester')

	await section.getByRole('button', { name: `Unlink ${SSO}` }).click()
	await expect(page).toHaveURL(/\/settings\?unlinked=oidc$/)
	await expect(section.getByRole('status')).toHaveText(`${SSO} is no longer linked.`)
	// The password is now the only way in: it cannot be removed.
	await expect(section.getByRole('listitem')).toHaveText(['Password (your only way to sign in)'])
	await expect(section.getByRole('button', { name: /^Unlink/ })).toHaveCount(0)

	// The password still signs in.
	await signOut(page)
	await signIn(page, user)
	await expect(page).toHaveURL(/\/tasks$/)
})

test('a provider sign-in over a planted session of another account: the browser is the provider account’s, the planted session is gone', async ({
	page,
	browser,
	signUpDirectly,
	baseURL,
}) => {
	// A's session, made in a browser of its own, planted while the sign-in page is open.
	const attacker = await browser.newContext()
	const attackerPage = await attacker.newPage()
	await signUpDirectly(attackerPage, newUser('Mallory Planter'))
	const planted = (await attacker.cookies()).find((cookie) => cookie.name.endsWith('session_token'))!
	await visit(page, '/login')
	await page.context().addCookies([{ name: planted.name, value: planted.value, url: baseURL!, httpOnly: true, sameSite: 'Lax' }])

	const email = ssoEmail('verified')
	await continueWithSso(page, email)
	await expect(page).toHaveURL(/\/tasks$/)
	await page.goto('/settings')
	await expect(page.getByRole('region', { name: 'Profile' }).getByText(email)).toBeVisible()
	const now = (await page.context().cookies()).find((cookie) => cookie.name === planted.name)
	expect(now?.value).not.toBe(planted.value)
	// A's session no longer exists anywhere.
	await attackerPage.goto('/tasks')
	await expect(attackerPage).toHaveURL(/\/login\?redirectTo=%2Ftasks$/)
	await attacker.close()
})

test('an account an admin suspended: the round trip ends on /login with "This account is suspended.", no session', async ({
	page,
	browser,
}, testInfo) => {
	const email = ssoEmail('verified')
	await visit(page, '/login')
	await continueWithSso(page, email)
	await expect(page).toHaveURL(/\/tasks$/)
	const admin = await (await browser.newContext()).newPage()
	await bootstrapAdmin(admin, listedAdmin('providers', testInfo.project.name))
	// The provider's name claim is the address's local part.
	await suspendUser(admin, { name: email.split('@')[0]!, email })
	await admin.context().close()

	await page.goto('/login')
	await continueWithSso(page, email)
	await expect(page).toHaveURL(/\/login\?error=BANNED_USER(&|$)/)
	await expect(page.getByRole('alert')).toHaveText('This account is suspended.')
	await page.goto('/tasks')
	await expect(page).toHaveURL(/\/login\?redirectTo=%2Ftasks$/)
})
