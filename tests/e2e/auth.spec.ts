/**
 * Sign-up, sign-in and sign-out in a real browser against the production
 * build; runs in both projects (JavaScript off and on).
 */
import { type Page } from '@playwright/test'
import { accountMadeElsewhere, newUser, PASSWORD, signIn, signOut, signUp, uniqueEmail, expect, test } from './support.ts'

async function fillSignup(page: Page, fields: { name?: string; email?: string; password?: string; confirm?: string }) {
	await page.goto('/signup')
	await page.getByLabel('Name').fill(fields.name ?? '')
	await page.getByLabel('Email').fill(fields.email ?? '')
	await page.getByLabel('Password', { exact: true }).fill(fields.password ?? '')
	await page.getByLabel('Confirm password').fill(fields.confirm ?? '')
	await page.getByRole('button', { name: 'Create account' }).click()
}

test('the home page says what Taskwell is, shows it, and has one sign-up call to action', async ({ page }) => {
	await page.goto('/')
	await expect(page.getByRole('heading', { level: 1, name: 'Everything you need to do, in one calm list' })).toBeVisible()
	await expect(page.getByText('Taskwell is a simple to-do list.')).toBeVisible()
	await expect(page.getByRole('img', { name: /The Taskwell task list/ })).toBeVisible()
	await expect(page.getByRole('link', { name: 'Sign up' })).toHaveCount(1)
	await page.getByRole('main').getByRole('link', { name: 'Sign up' }).click()
	await expect(page).toHaveURL(/\/signup$/)
	await page.goto('/')
	await page.getByRole('main').getByRole('link', { name: 'Sign in', exact: true }).click()
	await expect(page).toHaveURL(/\/login$/)
})

test.describe('sign-up validation', () => {
	const cases = [
		{
			title: 'empty name',
			fields: { name: '  ', email: uniqueEmail(), password: PASSWORD, confirm: PASSWORD },
			label: 'Name',
			message: 'Name is required',
		},
		{
			title: 'invalid email',
			fields: { name: 'Ada', email: 'not-an-email', password: PASSWORD, confirm: PASSWORD },
			label: 'Email',
			message: 'Enter a valid email address',
		},
		{
			title: 'short password',
			fields: { name: 'Ada', email: uniqueEmail(), password: 'short', confirm: 'short' },
			label: 'Password',
			message: 'Password must be at least 8 characters',
		},
		{
			title: 'mismatched confirmation',
			fields: { name: 'Ada', email: uniqueEmail(), password: PASSWORD, confirm: 'something else' },
			label: 'Confirm password',
			message: 'Passwords do not match',
		},
	]
	for (const { title, fields, label, message } of cases) {
		test(`${title}: the error is next to the field and the input is kept except passwords`, async ({ page }) => {
			await fillSignup(page, fields)
			await expect(page).toHaveURL(/\/signup$/)
			const input = page.getByLabel(label, { exact: true })
			await expect(input).toHaveAttribute('aria-invalid', 'true')
			const describedBy = await input.getAttribute('aria-describedby')
			expect(describedBy).toBeTruthy()
			await expect(page.locator(`[id="${describedBy!.split(' ')[0]}"]`)).toHaveText(message)
			if (label !== 'Name') await expect(page.getByLabel('Name')).toHaveValue(fields.name)
			if (label !== 'Email') await expect(page.getByLabel('Email')).toHaveValue(fields.email)
			// In the browser without JS the server re-rendered the page: passwords are never echoed.
			if (test.info().project.name === 'no-js') {
				await expect(page.getByLabel('Password', { exact: true })).toHaveValue('')
				await expect(page.getByLabel('Confirm password')).toHaveValue('')
			}
		})
	}

	test('a taken email gets a clear form error', async ({ page, browser }) => {
		const user = await accountMadeElsewhere(browser, 'Taken Email')
		await fillSignup(page, { name: 'Someone', email: user.email, password: PASSWORD, confirm: PASSWORD })
		await expect(page.getByText('An account with this email already exists. Sign in instead.')).toBeVisible()
		await expect(page.getByLabel('Email')).toHaveValue(user.email)
	})
})

test('sign-up signs in, greets by name, sets an HttpOnly SameSite=Lax cookie; sign-out ends it', async ({ page, context }) => {
	const user = newUser('Grace Hopper')
	await signUp(page, user)
	await expect(page.getByRole('heading', { name: /Grace Hopper/ })).toBeVisible()
	const cookies = await context.cookies()
	const session = cookies.find((cookie) => cookie.name.endsWith('session_token'))
	expect(session).toBeDefined()
	expect(session!.httpOnly).toBe(true)
	expect(session!.sameSite).toBe('Lax')
	expect(session!.path).toBe('/')
	// Every auth cookie is HttpOnly: nothing for page scripts to read.
	for (const cookie of cookies) expect(cookie.httpOnly, cookie.name).toBe(true)

	await signOut(page)
	expect((await context.cookies()).find((cookie) => cookie.name.endsWith('session_token'))).toBeUndefined()
	await page.goto('/tasks')
	await expect(page).toHaveURL(/\/login\?redirectTo=%2Ftasks$/)
})

test('sign-in with a wrong password or an unknown email shows one generic message', async ({ page, browser }) => {
	const user = await accountMadeElsewhere(browser, 'Wrong Password')
	for (const attempt of [
		{ email: user.email, password: 'not the password' },
		{ email: uniqueEmail('nobody'), password: 'not the password' },
	]) {
		await signIn(page, attempt)
		await expect(page.getByRole('alert')).toHaveText('Invalid email or password')
		await expect(page.getByLabel('Email')).toHaveValue(attempt.email)
		if (test.info().project.name === 'no-js') {
			await expect(page.getByLabel('Password', { exact: true })).toHaveValue('')
		}
	}
})

test('a protected page sends you to sign in and back, with the query kept', async ({ page, browser }) => {
	const user = await accountMadeElsewhere(browser, 'Redirect Back')
	await page.goto('/tasks?status=active')
	await expect(page).toHaveURL(/\/login\?redirectTo=%2Ftasks%3Fstatus%3Dactive$/)
	await page.getByLabel('Email').fill(user.email)
	await page.getByLabel('Password', { exact: true }).fill(user.password)
	await page.getByRole('button', { name: 'Sign in', exact: true }).click()
	await expect(page).toHaveURL(/\/tasks\?status=active$/)
})

test('an unsafe redirectTo is ignored', async ({ page, browser }) => {
	const user = await accountMadeElsewhere(browser, 'Unsafe Redirect')
	for (const unsafe of ['//evil.example', 'https://evil.example/', '/\\evil.example']) {
		await signIn(page, user, `/login?redirectTo=${encodeURIComponent(unsafe)}`)
		await expect(page).toHaveURL(/localhost:\d+\/tasks$/)
		await signOut(page)
	}
})

test('"Remember me" keeps the session cookie for 7 days; without it the cookie ends with the browser', async ({
	page,
	context,
	browser,
}) => {
	const user = await accountMadeElsewhere(browser, 'Remember Me')

	await signIn(page, user)
	await expect(page).toHaveURL(/\/tasks$/)
	let session = (await context.cookies()).find((cookie) => cookie.name.endsWith('session_token'))
	expect(session?.expires).toBe(-1)
	await signOut(page)

	await page.goto('/login')
	await page.getByLabel('Email').fill(user.email)
	await page.getByLabel('Password', { exact: true }).fill(user.password)
	await page.getByLabel('Remember me').check()
	await page.getByRole('button', { name: 'Sign in', exact: true }).click()
	await expect(page).toHaveURL(/\/tasks$/)
	session = (await context.cookies()).find((cookie) => cookie.name.endsWith('session_token'))
	const days = (session!.expires * 1000 - Date.now()) / 86_400_000
	expect(days).toBeGreaterThan(6.9)
	expect(days).toBeLessThanOrEqual(7)
	expect(session!.httpOnly).toBe(true)
	expect(session!.sameSite).toBe('Lax')
})

test('signed-in users opening /login or /signup go to /tasks', async ({ page }) => {
	await signUp(page, newUser('Already In'))
	for (const path of ['/login', '/signup', '/']) {
		await page.goto(path)
		await expect(page).toHaveURL(/\/tasks$/)
	}
})
