/**
 * Two-factor authentication (TOTP) end to end, with and without JavaScript:
 * codes are computed here from the secret the page shows (otplib). Until its
 * first code a setup survives a reload, or is cancelled.
 */
import { generateSync } from 'otplib'
import type { Page } from '@playwright/test'
import { submitForm } from './form-steps.ts'
import { expect, signIn, signOut, test, type TestUser } from './support.ts'

/** Fresh codes: each TOTP code works once, so never hand out one twice. */
function codeSource(secret: string) {
	const used = new Set<string>()
	const codeAt = (offsetSteps: number) => generateSync({ secret, epoch: Math.floor(Date.now() / 1000) + offsetSteps * 30 })
	return {
		next() {
			for (const offset of [0, 1, -1]) {
				const code = codeAt(offset)
				if (!used.has(code)) {
					used.add(code)
					return code
				}
			}
			throw new Error('no fresh TOTP code in the window')
		},
		/** A 6-digit code that is none of the ones the server accepts now. */
		wrong() {
			const valid = new Set([-1, 0, 1].map(codeAt))
			for (let n = 0; ; n++) {
				const code = String(123456 + n * 7919)
					.padStart(6, '0')
					.slice(-6)
				if (!valid.has(code)) return code
			}
		},
	}
}

const twoFactorSection = (page: Page) => page.getByRole('region', { name: 'Two-factor authentication' })

/** The password given: the page shows a new secret and its QR code (returned with the QR code's markup). */
async function startSetup(page: Page, user: TestUser) {
	await page.goto('/settings')
	const section = twoFactorSection(page)
	await section.getByLabel('Your password').fill(user.password)
	await section.getByRole('button', { name: 'Enable two-factor authentication' }).click()
	await expect(section.locator('.qr-code svg')).toBeVisible()
	const secret = (await section.getByTestId('totp-secret').textContent())!.trim()
	expect(secret).toMatch(/^[A-Z2-7]+=*$/)
	return { secret, qr: await section.locator('.qr-code').innerHTML() }
}

async function enableTwoFactor(page: Page, user: TestUser) {
	const { secret, qr } = await startSetup(page, user)
	// A reload before the first code shows the same secret and QR code.
	await page.reload()
	const section = twoFactorSection(page)
	await expect(section.getByTestId('totp-secret')).toHaveText(secret)
	expect(await section.locator('.qr-code').innerHTML()).toBe(qr)
	const codes = codeSource(secret)
	await section.getByLabel('Authentication code').fill(codes.next())
	await section.getByRole('button', { name: 'Verify' }).click()
	const list = section.getByRole('list', { name: 'Backup codes' }).getByRole('listitem')
	await expect(list).toHaveCount(10)
	const backupCodes = (await list.allTextContents()).map((code) => code.trim())
	// The download: a text file of the same codes, made without JavaScript.
	const download = section.getByRole('link', { name: 'Download backup codes' })
	await expect(download).toHaveAttribute('download', 'taskwell-backup-codes.txt')
	const href = (await download.getAttribute('href'))!
	expect(href.startsWith('data:text/plain;charset=utf-8,')).toBe(true)
	const text = decodeURIComponent(href.slice(href.indexOf(',') + 1))
	for (const code of backupCodes) expect(text).toContain(code)
	// Shown once: a reload shows none of them.
	await page.goto('/settings')
	await expect(twoFactorSection(page).getByRole('button', { name: 'Disable two-factor authentication' })).toBeVisible()
	await expect(page.getByText(backupCodes[0]!)).toHaveCount(0)
	return { codes, backupCodes }
}

async function signOutFromTasks(page: Page) {
	await page.goto('/tasks')
	await signOut(page)
}

async function startSignIn(page: Page, user: TestUser) {
	await signIn(page, user)
	await expect(page).toHaveURL(/\/login\/two-factor/)
	// No session yet: a signed-in page sends back to sign in.
	await page.goto('/tasks')
	await expect(page).toHaveURL(/\/login\?redirectTo=/)
	await page.goto('/login/two-factor')
}

/** Signs out and in again as `user` up to the second step, then gives it a backup code. */
async function signInWithBackupCode(page: Page, user: TestUser, code: string) {
	await signOutFromTasks(page)
	await startSignIn(page, user)
	await page.getByRole('link', { name: 'Use a backup code' }).click()
	await submitForm(page, { 'Backup code': code }, 'Verify')
}

test('enable, sign in with a code and with a backup code (used once), trust this device, disable', async ({ page, user }) => {
	// Seven sign-ins in one test: more than the default minute on a busy machine.
	test.slow()
	const { codes, backupCodes } = await enableTwoFactor(page, user)

	await signOutFromTasks(page)
	await startSignIn(page, user)
	await expect(page.getByLabel('Trust this device for 30 days')).toBeVisible()
	await submitForm(page, { 'Authentication code': codes.next() }, 'Verify')
	await expect(page).toHaveURL(/\/tasks$/)

	await signInWithBackupCode(page, user, backupCodes[0]!)
	await expect(page).toHaveURL(/\/tasks$/)

	// The same backup code again: refused.
	await signInWithBackupCode(page, user, backupCodes[0]!)
	await expect(page.getByText('That backup code is not valid or has already been used.')).toBeVisible()

	// Another one, trusting this device: the next sign-in needs no code.
	await submitForm(page, { 'Backup code': backupCodes[1]!, 'Trust this device for 30 days': true }, 'Verify')
	await expect(page).toHaveURL(/\/tasks$/)
	await signOutFromTasks(page)
	await signIn(page, user)
	await expect(page).toHaveURL(/\/tasks$/)

	// Regenerate (password): new codes, the old ones stop working.
	await page.goto('/settings')
	const regenerate = twoFactorSection(page).locator('form', { has: page.getByRole('button', { name: 'Regenerate backup codes' }) })
	await regenerate.getByLabel('Your password').fill(user.password)
	await regenerate.getByRole('button', { name: 'Regenerate backup codes' }).click()
	const fresh = twoFactorSection(page).getByRole('list', { name: 'Backup codes' }).getByRole('listitem')
	await expect(fresh).toHaveCount(10)
	expect(await fresh.allTextContents()).not.toContain(backupCodes[2])

	// Disable: password and a code.
	const disableForm = () =>
		twoFactorSection(page).locator('form', { has: page.getByRole('button', { name: 'Disable two-factor authentication' }) })
	await submitForm(
		disableForm(),
		{ 'Your password': user.password, 'Authentication code': codes.wrong() },
		'Disable two-factor authentication',
	)
	await expect(twoFactorSection(page).getByText('That code is not valid')).toBeVisible()
	await submitForm(
		disableForm(),
		{ 'Your password': user.password, 'Authentication code': codes.next() },
		'Disable two-factor authentication',
	)
	await expect(page.getByText('Two-factor authentication is off.')).toBeVisible()
	await expect(twoFactorSection(page).getByRole('button', { name: 'Enable two-factor authentication' })).toBeVisible()
	const activity = page.getByRole('region', { name: 'Recent security activity' })
	await expect(activity.getByText('Two-factor authentication turned off')).toBeVisible()
	await expect(activity.getByText('Two-factor check passed').first()).toBeVisible()

	await signOutFromTasks(page)
	await signIn(page, user)
	await expect(page).toHaveURL(/\/tasks$/)
})

test('"Cancel setup" discards a setup waiting for its first code', async ({ page, user }) => {
	const { secret } = await startSetup(page, user)
	await page.reload()
	const section = twoFactorSection(page)
	await expect(section.getByTestId('totp-secret')).toHaveText(secret)
	await section.getByRole('button', { name: 'Cancel setup' }).click()
	await expect(page.getByText('Two-factor setup was cancelled: nothing was turned on.')).toBeVisible()
	await expect(section.getByTestId('totp-secret')).toHaveCount(0)
	await expect(section.getByRole('button', { name: 'Enable two-factor authentication' })).toBeVisible()
	// Signing in still needs no code.
	await signOutFromTasks(page)
	await signIn(page, user)
	await expect(page).toHaveURL(/\/tasks$/)
	// Starting again: a new secret.
	const again = await startSetup(page, user)
	expect(again.secret).not.toBe(secret)
})

test('five wrong codes: the sign-in step says to wait', async ({ page, user }) => {
	const { codes } = await enableTwoFactor(page, user)
	await signOutFromTasks(page)
	await startSignIn(page, user)
	for (let attempt = 1; attempt <= 4; attempt++) {
		await submitForm(page, { 'Authentication code': codes.wrong() }, 'Verify')
		await expect(page.getByText('That code is not valid')).toBeVisible()
	}
	await submitForm(page, { 'Authentication code': codes.wrong() }, 'Verify')
	await expect(page.getByText(/Too many attempts\. Try again in \d+ minutes?\./)).toBeVisible()
	// Even the right code waits now.
	await submitForm(page, { 'Authentication code': codes.next() }, 'Verify')
	await expect(page.getByText(/Too many attempts/)).toBeVisible()
	await page.goto('/tasks')
	await expect(page).toHaveURL(/\/login\?redirectTo=/)
})

test('passkey buttons only with JavaScript; password sign-in works either way', async ({ page, user, javaScriptEnabled }) => {
	await page.goto('/settings')
	await expect(page.getByRole('button', { name: 'Add a passkey' })).toHaveCount(javaScriptEnabled ? 1 : 0)
	await signOutFromTasks(page)
	await page.goto('/login')
	await expect(page.getByRole('button', { name: 'Sign in with a passkey' })).toHaveCount(javaScriptEnabled ? 1 : 0)
	await signIn(page, user)
	await expect(page).toHaveURL(/\/tasks$/)
})
