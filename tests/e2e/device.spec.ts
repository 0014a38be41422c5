/**
 * Issue 26, /device (where `taskwell login` sends the user), in both
 * projects: the Code form, an unknown code, the way through sign-in for a
 * signed-out visitor, and Allow / Deny on a pending request. The command
 * line's side of the flow (polling, its credential) is tested elsewhere.
 */
import type { APIRequestContext, Page } from '@playwright/test'
import { accountMadeElsewhere, expect, signIn, test } from './support.ts'

const INVALID = 'This code has expired or is not valid. Run taskwell login again to get a new one.'

test('/device asks for the code, and says when a code is unknown', async ({ page, user: _user }) => {
	await page.goto('/device')
	await expect(page).toHaveTitle('Sign in a device · Taskwell')
	await expect(page.getByRole('heading', { level: 1, name: 'Sign in a device' })).toBeVisible()
	await page.getByLabel('Code').fill('NOPE1234')
	await page.getByRole('button', { name: 'Continue' }).click()
	await expect(page).toHaveURL(/\/device\?user_code=NOPE1234$/)
	await expect(page.getByText(INVALID)).toBeVisible()

	const response = await page.goto('/device?user_code=NOPE1234')
	expect(response?.status()).toBe(404)
	await expect(page.getByText(INVALID)).toBeVisible()
	// The Code form again, and the page's header.
	await expect(page.getByLabel('Code')).toBeVisible()
	await expect(page.getByRole('button', { name: 'Continue' })).toBeVisible()
	await expect(page.getByRole('navigation', { name: 'Account' }).getByRole('link', { name: 'Settings' })).toBeVisible()
})

test('signed out, /device with a code goes through sign-in and comes back with the code', async ({ page, browser }) => {
	const user = await accountMadeElsewhere(browser, 'Dev Ice')
	await page.goto('/device?user_code=ABCD1234')
	await expect(page).toHaveURL(/\/login\?redirectTo=%2Fdevice%3Fuser_code%3DABCD1234$/)
	await signIn(page, user, page.url())
	await expect(page).toHaveURL(/\/device\?user_code=ABCD1234$/)
	await expect(page.getByRole('heading', { level: 1, name: 'Sign in a device' })).toBeVisible()
	await expect(page.getByText(INVALID)).toBeVisible()
})

/** A command line's device request, as `taskwell login` makes it; its user code. */
async function deviceRequest(request: APIRequestContext, baseURL: string, scope = 'tasks:read tasks:write'): Promise<string> {
	const response = await request.post(`${baseURL}/api/tokens/device-code`, { data: { client_id: 'taskwell-cli', scope } })
	expect(response.status(), 'POST /api/tokens/device-code').toBe(200)
	const body = (await response.json()) as { user_code?: unknown }
	expect(typeof body.user_code).toBe('string')
	return body.user_code as string
}

async function openCode(page: Page, userCode: string) {
	await page.goto(`/device?user_code=${encodeURIComponent(userCode)}`)
	await expect(page.getByRole('heading', { level: 1, name: 'Sign in a device' })).toBeVisible()
}

// Needs POST /api/tokens/device-code (the command line's endpoint).
test('a pending request is allowed or denied from /device, once', async ({ page, request, baseURL, user }) => {
	const allowed = await deviceRequest(request, baseURL!)
	await openCode(page, allowed)
	await expect(page.getByText(`Taskwell command line wants to sign in as ${user.email}.`)).toBeVisible()
	await expect(page.getByText('Read and write your personal tasks')).toBeVisible()
	await expect(page.getByText(/Check that the command line shows the code/)).toContainText(
		allowed.replace(/[^A-Za-z0-9]/g, '').toUpperCase(),
	)
	await page.getByRole('button', { name: 'Allow' }).click()
	await expect(page).toHaveURL(/\/device\?result=allowed$/)
	await expect(page.getByText('Device signed in. You can close this page and go back to the command line.')).toBeVisible()

	// Decided: the code cannot be used again.
	await openCode(page, allowed)
	await expect(page.getByText('This code has already been used.')).toBeVisible()
	await expect(page.getByRole('button', { name: 'Allow' })).toHaveCount(0)

	const denied = await deviceRequest(request, baseURL!, 'tasks:read')
	await openCode(page, denied)
	await expect(page.getByText('Read your personal tasks', { exact: true })).toBeVisible()
	await page.getByRole('button', { name: 'Deny' }).click()
	await expect(page).toHaveURL(/\/device\?result=denied$/)
	await expect(page.getByText('Sign-in denied. The command line was not signed in.')).toBeVisible()

	await page.goto('/settings')
	const activity = page.getByRole('region', { name: 'Recent security activity' })
	await expect(activity.getByText('Command line signed in: Taskwell command line')).toBeVisible()
	await expect(activity.getByText('Command-line sign-in denied: Taskwell command line')).toBeVisible()
})
