/**
 * Issue 14, items 10 and 11, in both projects: every page has a title, an
 * unknown URL is a 404 page that keeps the header, a page with a form error
 * says so in its title and opens on the first invalid field (scrolled to the
 * form when it is lower on the page), settings clears the password fields
 * after a change, and the local outbox fits a phone.
 */
import type { Page } from '@playwright/test'
import { expect, newUser, test, uniqueClientIp } from './support.ts'

const PHONE = { width: 390, height: 844 }

const noJs = () => test.info().project.use.javaScriptEnabled === false

test('an unknown URL is a 404 page with a title, signed out and signed in (with the signed-in header)', async ({
	page,
	signUpDirectly,
}) => {
	const response = await page.goto('/no/such/page')
	expect(response?.status()).toBe(404)
	await expect(page).toHaveTitle('Page not found · Taskwell')
	await expect(page.getByRole('heading', { level: 1, name: 'Page not found' })).toBeVisible()
	await expect(page.getByRole('navigation', { name: 'Account' }).getByRole('link', { name: 'Sign in' })).toBeVisible()

	const favicon = await page.request.get('/favicon.ico')
	expect(favicon.status()).toBe(404)

	const user = newUser('Grace Hopper')
	await signUpDirectly(page, user)
	const signedIn = await page.goto('/tasks/and/more/that/does/not/exist')
	expect(signedIn?.status()).toBe(404)
	await expect(page).toHaveTitle('Page not found · Taskwell')
	const account = page.getByRole('navigation', { name: 'Account' })
	await expect(account.getByText('Grace Hopper')).toBeVisible()
	await expect(account.getByRole('link', { name: 'Settings' })).toBeVisible()
	await expect(account.getByRole('button', { name: 'Sign out' })).toBeVisible()
})

test('every page has its own title', async ({ page }) => {
	for (const [path, title] of [
		['/', /^Taskwell — /],
		['/signup', 'Create an account · Taskwell'],
		['/login', 'Sign in · Taskwell'],
		['/forgot-password', /· Taskwell$/],
		['/reset-password', /· Taskwell$/],
		['/verify-email', /· Taskwell$/],
	] as const) {
		await page.goto(path)
		await expect(page, path).toHaveTitle(title)
	}
})

test('a form error puts "Error: " in the title and focuses the first invalid field', async ({ page }) => {
	// Without JavaScript the server answers with the errors (with it, conform
	// validates in the browser first: forms.js-only.spec.ts).
	if (noJs()) {
		await page.goto('/signup')
		await page.getByLabel('Email').fill('not an email')
		await page.getByRole('button', { name: 'Create account' }).click()
		await expect(page.getByText('Name is required')).toBeVisible()
		await expect(page).toHaveTitle('Error: Create an account · Taskwell')
		// The name (empty) comes first, before the email.
		await expect(page.getByLabel('Name')).toBeFocused()
	}
	await page.goto('/login')
	await expect(page).toHaveTitle('Sign in · Taskwell')
	await page.getByLabel('Email').fill('ada-nobody@example.com')
	await page.getByLabel('Password', { exact: true }).fill('not the password')
	await page.getByRole('button', { name: 'Sign in', exact: true }).click()
	await expect(page.getByText('Invalid email or password')).toBeVisible()
	await expect(page).toHaveTitle('Error: Sign in · Taskwell')
	if (noJs()) await expect(page.getByLabel('Email')).not.toBeFocused()
})

async function deleteSection(page: Page) {
	return page.getByRole('region', { name: 'Delete account' })
}

test('settings: a delete-account error is on screen on a phone, with the title and focus on it', async ({ page, user: _user }) => {
	await page.setViewportSize(PHONE)
	await page.goto('/settings')
	await expect(page).toHaveTitle('Settings · Taskwell')
	const section = await deleteSection(page)
	await section.getByLabel('Password').fill('not my password')
	await section.getByRole('button', { name: 'Delete account' }).click()
	await expect(section.getByText('Incorrect password')).toBeInViewport()
	await expect(page).toHaveTitle('Error: Settings · Taskwell')
	if (noJs()) {
		// Scrolled to the form by its anchor (browsers skip autofocus when the
		// URL names a fragment: the anchor is what brings the error on screen).
		await expect(page).toHaveURL(/\/settings#delete-account$/)
		await expect(section.getByLabel('Password')).toHaveValue('')
	}
})

test('settings: the password fields are empty after a successful change, and its sections are cards', async ({ page, user }) => {
	await page.goto('/settings')
	const section = page.getByRole('region', { name: 'Change password' })
	await expect(section).toHaveCSS('border-top-style', 'solid')
	await section.getByLabel('Current password').fill(user.password)
	await section.getByLabel('New password').fill('a brand new passphrase')
	await section.getByLabel('Confirm password').fill('a brand new passphrase')
	await section.getByRole('button', { name: 'Change password' }).click()
	await expect(page.getByRole('status')).toHaveText('Your password has been changed.')
	await expect(page).toHaveTitle('Settings · Taskwell')
	for (const label of ['Current password', 'New password', 'Confirm password']) {
		await expect(section.getByLabel(label)).toHaveValue('')
	}
})

test('the local outbox fits a 390 px phone: no horizontal scrolling', async ({ browser }) => {
	// A context of its own, without the forwarded address: the outbox answers this machine only.
	const context = await browser.newContext({ viewport: PHONE })
	const page = await context.newPage()
	// Signing up and asking for a link: a client of its own (per-IP limits).
	await context.setExtraHTTPHeaders({ 'x-forwarded-for': uniqueClientIp() })
	const email = `a-rather-long-address-that-would-not-fit-${Date.now()}@example.com`
	// An unknown address gets no mail; a new account's verification or reset link does.
	await page.goto('/signup')
	await page.getByLabel('Name').fill('Long Address')
	await page.getByLabel('Email').fill(email)
	await page.getByLabel('Password', { exact: true }).fill('correct horse battery')
	await page.getByLabel('Confirm password').fill('correct horse battery')
	await page.getByRole('button', { name: 'Create account' }).click()
	await expect(page).toHaveURL(/\/tasks$/)
	await context.clearCookies()
	await page.goto('/forgot-password')
	await page.getByLabel('Email').fill(email)
	await page.getByRole('button', { name: 'Send reset link' }).click()
	await expect(page.getByRole('status')).toBeVisible()
	await context.setExtraHTTPHeaders({})
	const message = page.getByRole('article').filter({ hasText: email })
	await expect(async () => {
		await page.goto('/dev/outbox')
		await expect(message.first()).toBeVisible({ timeout: 500 })
	}).toPass({ timeout: 15_000 })
	for (const element of await page.locator('main, main article, main pre, main a, main p').all()) {
		const box = await element.boundingBox()
		if (box)
			expect(box.x + box.width, await element.evaluate((node) => node.outerHTML.slice(0, 80)).catch(() => '')).toBeLessThanOrEqual(
				PHONE.width,
			)
	}
	await context.close()
})

test('dark mode follows prefers-color-scheme; theme-color for both schemes; a web app manifest with icons', async ({ page }) => {
	await page.goto('/login')
	await expect(page.locator('meta[name="theme-color"][media="(prefers-color-scheme: light)"]')).toHaveAttribute('content', '#ffffff')
	await expect(page.locator('meta[name="theme-color"][media="(prefers-color-scheme: dark)"]')).toHaveAttribute('content', '#1a201d')
	await page.emulateMedia({ colorScheme: 'light' })
	await expect(page.locator('body')).toHaveCSS('background-color', 'rgb(246, 247, 245)')
	await page.emulateMedia({ colorScheme: 'dark' })
	await expect(page.locator('body')).toHaveCSS('background-color', 'rgb(17, 21, 19)')
	await expect(page.locator('body')).toHaveCSS('color', 'rgb(228, 234, 231)')

	const href = await page.locator('link[rel="manifest"]').getAttribute('href')
	expect(href).toBe('/site.webmanifest')
	const manifest = (await (await page.request.get(href!)).json()) as { name: string; icons: { src: string; sizes: string }[] }
	expect(manifest.name).toBe('Taskwell')
	for (const size of ['192x192', '512x512']) {
		const icon = manifest.icons.find((entry) => entry.sizes === size)
		expect(icon, size).toBeTruthy()
		const response = await page.request.get(icon!.src)
		expect(response.status()).toBe(200)
		expect(response.headers()['content-type']).toBe('image/png')
	}
})
