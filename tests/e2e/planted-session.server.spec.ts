/**
 * Signing in replaces whatever session the browser holds (issue 24): a
 * valid session of account A is planted in the browser while its sign-in
 * page is open (as a sibling subdomain, a shared computer or a session-
 * fixation attack would leave one). Signing in as B, signing up as B, or
 * using B's emailed sign-in link then leaves the browser in B's account: the
 * page, the cookie and the task API's answers are B's, and A's planted
 * session no longer exists anywhere. (Provider sign-in: sign-in-providers.spec.ts.)
 */
import type { BrowserContext, Page } from '@playwright/test'
import { accountMadeElsewhere, expect, linkFromOutbox, newUser, test, type TestUser } from './support.ts'

type Planted = { name: string; value: string; context: BrowserContext; page: Page }

/** A signed up in a browser of its own, with a task only A can see: its session cookie. */
async function sessionOfA(browserContext: BrowserContext, signUpDirectly: (page: Page, user: TestUser) => Promise<void>): Promise<Planted> {
	const page = await browserContext.newPage()
	await signUpDirectly(page, newUser('Mallory Planter'))
	await page.getByLabel('Title').fill('A’s private task')
	await page.getByRole('button', { name: 'Add task' }).click()
	await expect(page.getByRole('status')).toHaveText('Task added.')
	const cookie = (await browserContext.cookies()).find((candidate) => candidate.name.endsWith('session_token'))!
	return { name: cookie.name, value: cookie.value, context: browserContext, page }
}

async function plant(page: Page, planted: Planted, baseURL: string) {
	await page.context().addCookies([{ name: planted.name, value: planted.value, url: baseURL, httpOnly: true, sameSite: 'Lax' }])
}

/** The browser is B's now, and A's planted session is gone. */
async function expectAccountOf(page: Page, user: TestUser, planted: Planted) {
	await expect(page).toHaveURL(/\/tasks$/)
	await expect(page.locator('.signed-in-as')).toHaveText(user.name)
	await expect(page.getByRole('heading', { level: 1, name: `Hello, ${user.name}` })).toBeVisible()
	// The task API answers for B: A's task is not listed, B's new one is.
	await expect(page.getByText('A’s private task')).toHaveCount(0)
	await page.getByLabel('Title').fill('B’s own task')
	await page.getByRole('button', { name: 'Add task' }).click()
	await expect(page.getByRole('status')).toHaveText('Task added.')
	await expect(page.getByRole('link', { name: 'B’s own task', exact: true })).toBeVisible()
	const cookie = (await page.context().cookies()).find((candidate) => candidate.name === planted.name)
	expect(cookie?.value).toBeTruthy()
	expect(cookie?.value).not.toBe(planted.value)
	// A's session no longer exists: A's own browser is signed out too.
	await planted.page.goto('/tasks')
	await expect(planted.page).toHaveURL(/\/login\?redirectTo=%2Ftasks$/)
}

test('signing in as B over a planted session of A: the browser is B’s, A’s session is gone', async ({
	page,
	browser,
	signUpDirectly,
	baseURL,
}) => {
	const b = await accountMadeElsewhere(browser, 'Bea Signer', signUpDirectly)
	const planted = await sessionOfA(await browser.newContext(), signUpDirectly)

	await page.goto('/login')
	await plant(page, planted, baseURL!)
	await page.getByLabel('Email').fill(b.email)
	await page.getByLabel('Password', { exact: true }).fill(b.password)
	await page.getByRole('button', { name: 'Sign in', exact: true }).click()
	await expectAccountOf(page, b, planted)
	await planted.context.close()
})

test('a failed sign-in over a planted session changes nothing', async ({ page, browser, signUpDirectly, baseURL }) => {
	const planted = await sessionOfA(await browser.newContext(), signUpDirectly)
	await page.goto('/login')
	await plant(page, planted, baseURL!)
	await page.getByLabel('Email').fill('nobody@example.com')
	await page.getByLabel('Password', { exact: true }).fill('not the password at all')
	await page.getByRole('button', { name: 'Sign in', exact: true }).click()
	await expect(page.getByRole('alert').first()).toContainText('Invalid email or password')
	await planted.page.goto('/tasks')
	await expect(planted.page.getByRole('link', { name: 'A’s private task', exact: true })).toBeVisible()
	await planted.context.close()
})

test('signing up as B over a planted session of A: the browser is B’s, A’s session is gone', async ({
	page,
	browser,
	signUpDirectly,
	baseURL,
}) => {
	const planted = await sessionOfA(await browser.newContext(), signUpDirectly)
	const b = newUser('Bea Newcomer')
	await page.goto('/signup')
	await plant(page, planted, baseURL!)
	await page.getByLabel('Name').fill(b.name)
	await page.getByLabel('Email').fill(b.email)
	await page.getByLabel('Password', { exact: true }).fill(b.password)
	await page.getByLabel('Confirm password').fill(b.password)
	await page.getByRole('button', { name: 'Create account' }).click()
	await expectAccountOf(page, b, planted)
	await planted.context.close()
})

test('using B’s emailed sign-in link over a planted session of A: the browser is B’s, A’s session is gone', async ({
	page,
	browser,
	signUpDirectly,
	baseURL,
}) => {
	const b = newUser('Bea Linked')
	const bContext = await browser.newContext()
	const bPage = await bContext.newPage()
	await signUpDirectly(bPage, b)
	await bPage.getByRole('button', { name: 'Sign out' }).click()
	await bPage.goto('/login')
	await bPage.getByLabel('Email').fill(b.email)
	await bPage.getByRole('button', { name: 'Email me a sign-in link' }).click()
	await expect(bPage.getByRole('status')).toContainText('sign-in link')
	const link = await linkFromOutbox(bPage, b.email, /Your Taskwell sign-in link/)
	await bContext.close()
	const planted = await sessionOfA(await browser.newContext(), signUpDirectly)

	await page.goto(link)
	await plant(page, planted, baseURL!)
	await page.getByRole('button', { name: 'Sign in' }).click()
	await expectAccountOf(page, b, planted)
	await planted.context.close()
})
