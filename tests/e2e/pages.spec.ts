/**
 * Every page and state of the app, in the light and the dark colour scheme
 * (prefers-color-scheme), checked with axe-core — any violation fails — and
 * photographed: each screenshot is attached to the Playwright report as
 * "<page> (<scheme>)", so a reviewer can look without running anything.
 * Each project checks one scheme, as axeOnLoad does (support.ts): the light
 * one in the no-js project (the page as the server sends it), the dark one
 * in the js project (the page once scripts ran), so across the run every
 * page is checked and photographed in both. (Pages other specs visit are
 * checked too, by support.ts's axeOnLoad.)
 */
import type { Browser, Page } from '@playwright/test'
import { checkPage, expect, projectScheme, test, uniqueClientIp, type ColorScheme } from './support.ts'

test.use({ axeOnLoad: false })
// Many pages, each checked with axe (in the no-js project on a copy of the page: axeViolations) and photographed.
test.describe.configure({ timeout: 240_000 })

/** A page of its own with no forwarded client address: the outbox answers loopback clients only. */
async function developerPage(browser: Browser, scheme: ColorScheme, viewport?: { width: number; height: number }) {
	const context = await browser.newContext({ colorScheme: scheme, ...(viewport ? { viewport } : {}) })
	return { context, page: await context.newPage() }
}

async function addTask(page: Page, title: string) {
	await page.getByLabel('Title').fill(title)
	await page.getByRole('button', { name: 'Add task' }).click()
	await expect(page.getByRole('link', { name: title, exact: true })).toBeVisible()
}

type Check = (name: string) => Promise<void>

/** Forms checked as they open and once submitted empty with `submit`; `name` and `withErrors` name the two checks. */
const SUBMITTED_EMPTY = {
	signUp: { path: '/signup', name: 'sign up', submit: 'Create account', field: 'Name', withErrors: 'sign up with errors' },
	addTask: { path: '/tasks', name: 'tasks, empty', submit: 'Add task', field: 'Title', withErrors: 'tasks with an error' },
}

/** Checks the form at `form.path`, submits it empty: its `field` is marked invalid; checks it again. */
async function checkFormAndErrors(page: Page, check: Check, form: (typeof SUBMITTED_EMPTY)[keyof typeof SUBMITTED_EMPTY]) {
	await page.goto(form.path)
	await check(form.name)
	await page.getByRole('button', { name: form.submit }).click()
	await expect(page.getByLabel(form.field)).toHaveAttribute('aria-invalid', 'true')
	await check(form.withErrors)
}

test('signed-out pages pass axe-core (light without JavaScript, dark with it)', async ({ page, browser, javaScriptEnabled }, testInfo) => {
	const scheme = projectScheme(javaScriptEnabled)
	// A client of its own (per-IP limits on signing in), as support.ts gives each user.
	await page.context().setExtraHTTPHeaders({ 'x-forwarded-for': uniqueClientIp() })
	await page.emulateMedia({ colorScheme: scheme })
	const check: Check = (name) => checkPage(page, testInfo, name, scheme)

	await page.goto('/')
	await check('home')
	await page.goto('/?deleted=1')
	await expect(page.getByRole('status')).toHaveText('Your account was deleted.')
	await check('home after deleting an account')

	await checkFormAndErrors(page, check, SUBMITTED_EMPTY.signUp)

	await page.goto('/login')
	await check('sign in')
	await page.getByLabel('Email').fill(`nobody-${scheme}-${testInfo.project.name}@example.com`)
	await page.getByLabel('Password', { exact: true }).fill('not the password')
	await page.getByRole('button', { name: 'Sign in', exact: true }).click()
	await expect(page.getByText('Invalid email or password')).toBeVisible()
	await check('sign in with an error')

	await page.goto('/forgot-password')
	await check('forgot password')
	await page.goto('/reset-password?token=not-a-token')
	await check('reset password with an unusable link')
	await page.goto('/verify-email')
	await check('verify email')
	await page.goto('/verify-email?sent=1&email=someone%40example.com')
	await check('verify email, link sent')

	await page.goto('/no/such/page')
	await expect(page.getByRole('heading', { level: 1, name: 'Page not found' })).toBeVisible()
	await check('404 signed out')

	const developer = await developerPage(browser, scheme)
	await developer.page.goto('/dev/outbox')
	await checkPage(developer.page, testInfo, 'local outbox', scheme)
	await developer.context.close()
})

test('signed-in pages pass axe-core (light without JavaScript, dark with it)', async ({
	page,
	browser,
	user,
	javaScriptEnabled,
}, testInfo) => {
	const scheme = projectScheme(javaScriptEnabled)
	await page.emulateMedia({ colorScheme: scheme })
	const check: Check = (name) => checkPage(page, testInfo, name, scheme)

	await checkFormAndErrors(page, check, SUBMITTED_EMPTY.addTask)

	await page.goto('/tasks')
	await addTask(page, 'Call the dentist')
	await addTask(page, 'Renew the car insurance')
	await check('tasks with tasks')

	const href = await page.getByRole('link', { name: 'Call the dentist', exact: true }).getAttribute('href')
	expect(href).toMatch(/^\/tasks\/[^/]+$/)
	await page.goto(href!)
	await check('task edit')
	await page.goto(`${href}/delete`)
	await check('task delete confirmation')

	await page.goto('/settings')
	await check('settings')
	const deleteSection = page.getByRole('region', { name: 'Delete account' })
	await deleteSection.getByLabel('Password').fill('not my password')
	await deleteSection.getByRole('button', { name: 'Delete account' }).click()
	await expect(deleteSection.getByText('Incorrect password')).toBeVisible()
	await check('settings with an error')

	await page.goto('/no/such/page')
	await expect(page.getByRole('heading', { level: 1, name: 'Page not found' })).toBeVisible()
	await check('404 signed in')

	// The local outbox with a message in it: a reset link asked for on this machine.
	const developer = await developerPage(browser, scheme)
	// Asked for from a client of its own (per-IP limits), read on this machine.
	await developer.context.setExtraHTTPHeaders({ 'x-forwarded-for': uniqueClientIp() })
	await developer.page.goto('/forgot-password')
	await developer.page.getByLabel('Email').fill(user.email)
	await developer.page.getByRole('button', { name: 'Send reset link' }).click()
	await expect(developer.page.getByRole('status')).toBeVisible()
	await developer.context.setExtraHTTPHeaders({})
	await expect(async () => {
		await developer.page.goto('/dev/outbox')
		await expect(developer.page.getByRole('article').filter({ hasText: user.email })).not.toHaveCount(0, { timeout: 500 })
	}).toPass({ timeout: 15_000 })
	await checkPage(developer.page, testInfo, 'local outbox with a message', scheme)
	await developer.context.close()
})
