/**
 * Issue 10's emailed sign-in link and email change in a real browser, in
 * both projects; an account left without a password changes its email
 * with a code mailed to its current address. Mail lands in the local outbox (no SMTP_URL here); the
 * SMTP path is covered by tests/integration/sign-in-link-smtp.test.ts.
 */
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { expectFieldError, submitForm } from './form-steps.ts'
import { codeFromOutbox, expect, linkFromOutbox, newUser, PASSWORD, signIn, signOut, test, uniqueEmail } from './support.ts'

const LOG_FILE = path.resolve(process.env.E2E_LOG_FILE ?? 'test-results/e2e-server.log')

/** The servers' log holds none of the link's token (the request log records paths only). */
async function expectNotLogged(link: string) {
	const url = new URL(link, 'http://localhost')
	const token = url.searchParams.get('token')!
	expect(token.length).toBeGreaterThan(20)
	// The request line of the link's GET is there (the log is written by another process).
	await expect.poll(async () => (await readFile(LOG_FILE, 'utf8')).includes(`"path":"${url.pathname}"`)).toBe(true)
	const log = await readFile(LOG_FILE, 'utf8')
	expect(log.includes(token), 'the token is in the log').toBe(false)
	expect(log.includes(encodeURIComponent(token)), 'the token is in the log').toBe(false)
}

const SENT = 'If that address belongs to a Taskwell account, we have sent it a sign-in link. It works once, within 10 minutes.'

test('"Email me a sign-in link": neutral answer, the link opens a page whose button signs in once', async ({
	page,
	browser,
	signUpDirectly,
}) => {
	const user = newUser('Link Signer')
	await signUpDirectly(page, user)
	await signOut(page)

	await page.goto('/login')
	await page.getByLabel('Email').fill(uniqueEmail('nobody'))
	await page.getByRole('button', { name: 'Email me a sign-in link' }).click()
	await expect(page.getByRole('status')).toHaveText(SENT)
	await page.getByLabel('Email').fill(user.email)
	await page.getByRole('button', { name: 'Email me a sign-in link' }).click()
	await expect(page.getByRole('status')).toHaveText(SENT)

	const link = await linkFromOutbox(page, user.email, /Your Taskwell sign-in link/)
	expect(link).toMatch(/^\/login\/link\?token=/)
	// A mail scanner's GET uses nothing up.
	const scanner = await browser.newContext()
	await (await scanner.newPage()).goto(link)
	await scanner.close()

	await page.goto(link)
	await page.getByRole('button', { name: 'Sign in' }).click()
	await expect(page).toHaveURL(/\/tasks$/)

	// Single use.
	const again = await browser.newContext()
	const againPage = await again.newPage()
	await againPage.goto(link)
	await againPage.getByRole('button', { name: 'Sign in' }).click()
	await expect(againPage.getByRole('alert')).toContainText('This sign-in link has expired or has already been used.')
	await againPage.goto('/tasks')
	await expect(againPage).toHaveURL(/\/login\?redirectTo=/)
	await again.close()
	await expectNotLogged(link)
})

test('change email: link to the new address, notice to the old, the email changes only on confirm', async ({ page, signUpDirectly }) => {
	const user = newUser('Email Changer')
	const newEmail = uniqueEmail('changed')
	await signUpDirectly(page, user)
	await page.goto('/settings')
	const section = page.getByRole('region', { name: 'Change email' })

	await submitForm(section, { 'New email': newEmail, 'Current password': 'not my password' }, 'Change email')
	await expectFieldError(section, 'Current password', 'Incorrect password')

	await submitForm(section, { 'New email': newEmail, 'Current password': PASSWORD }, 'Change email')
	await expect(section.getByRole('status')).toContainText(`We have sent a link to ${newEmail}`)
	// Not changed yet.
	await expect(page.getByRole('region', { name: 'Profile' }).getByText(user.email)).toBeVisible()
	await linkFromOutbox(page, user.email, /Your Taskwell email is being changed/)

	const link = await linkFromOutbox(page, newEmail, /Confirm your new email for Taskwell/)
	expect(link).toMatch(/^\/change-email\?token=/)
	await page.goto(link)
	await page.getByRole('button', { name: 'Confirm new email' }).click()
	await expect(page).toHaveURL(/\/settings\?email-change=done$/)
	await expect(section.getByRole('status')).toHaveText(`Your email address is now ${newEmail}.`)

	// The session stayed; the new address signs in, the old one no longer does.
	await signOut(page)
	await signIn(page, { email: user.email, password: PASSWORD })
	await expect(page.getByText('Invalid email or password')).toBeVisible()
	await signIn(page, { email: newEmail, password: PASSWORD })
	await expect(page).toHaveURL(/\/tasks$/)
	await expectNotLogged(link)
})

test('change email without a password: a code mailed to the current address, used once', async ({ page, signUpDirectly }) => {
	const user = newUser('Code Changer')
	await signUpDirectly(page, user)
	await signOut(page)
	// Signing in by link proves the address and drops the password set before (Better Auth).
	await page.goto('/login')
	await page.getByLabel('Email').fill(user.email)
	await page.getByRole('button', { name: 'Email me a sign-in link' }).click()
	await page.goto(await linkFromOutbox(page, user.email, /Your Taskwell sign-in link/))
	await page.getByRole('button', { name: 'Sign in' }).click()
	await expect(page).toHaveURL(/\/tasks$/)

	await page.goto('/settings')
	const section = page.getByRole('region', { name: 'Change email' })
	await expect(section.getByLabel('Current password')).toHaveCount(0)
	await section.getByRole('button', { name: 'Send a code' }).click()
	await expect(section.getByRole('status')).toHaveText(`We have sent a 6-digit code to ${user.email}. It works once, within 10 minutes.`)
	const code = await codeFromOutbox(page, user.email, /Your Taskwell code to change your email/)

	const newEmail = uniqueEmail('coded')
	await submitForm(section, { 'New email': newEmail, 'Code from your email': code === '000000' ? '000001' : '000000' }, 'Change email')
	await expectFieldError(section, 'Code from your email', 'That code is not valid or has expired.')

	await submitForm(section, { 'New email': newEmail, 'Code from your email': code }, 'Change email')
	await expect(section.getByRole('status')).toContainText(`We have sent a link to ${newEmail}`)
	await linkFromOutbox(page, newEmail, /Confirm your new email for Taskwell/)

	// Used once.
	await submitForm(section, { 'New email': uniqueEmail('again'), 'Code from your email': code }, 'Change email')
	await expect(section.getByText('That code is not valid or has expired.')).toBeVisible()
})
