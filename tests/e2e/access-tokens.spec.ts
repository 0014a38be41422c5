/**
 * Issue 26, Settings' "Access tokens", in both projects: a token is made
 * with a name, an expiry, its access and where it reaches; its secret is
 * shown once (in the answer to the POST that made it, never cached, gone
 * after a reload) and the list shows what it grants; a name left empty and
 * a workspace the user is not in are refused beside their fields; the
 * activity list records the creation; "Revoke" removes a token.
 */
import type { Locator, Page } from '@playwright/test'
import { expectFieldError, submitForm } from './form-steps.ts'
import { expect, test } from './support.ts'

const noJs = () => test.info().project.use.javaScriptEnabled === false

const tokensSection = (page: Page) => page.getByRole('region', { name: 'Access tokens' })
const tokenList = (section: Locator) => section.getByRole('list', { name: 'Your access tokens' })

/** "Create token" with these choices; returns the secret shown once. */
async function createToken(
	page: Page,
	{
		name,
		expiresIn,
		access,
	}: { name: string; expiresIn: '7 days' | '30 days' | '90 days' | 'No expiry'; access: 'Read only' | 'Read and write' },
): Promise<string> {
	const section = tokensSection(page)
	await section.getByLabel('Expires in').selectOption({ label: expiresIn })
	await section.getByLabel(access).check()
	await submitForm(section, { Name: name }, 'Create token')
	// The new token in the list: this POST's answer is on the page (a secret
	// shown before is still there until then, with JavaScript).
	await expect(tokenList(section).getByRole('listitem').filter({ hasText: name })).toHaveCount(1)
	const secretField = section.getByLabel('Your new token')
	await expect(secretField).toHaveValue(/^tw_pat_[A-Za-z0-9]+$/)
	await expect(section.getByText("Copy your new token now. You won't be able to see it again.")).toBeVisible()
	return secretField.inputValue()
}

test('access tokens: made with a name, shown once, listed with what they grant; a name is required', async ({ page, user: _user }) => {
	await page.goto('/settings')
	const section = tokensSection(page)
	await expect(section.getByRole('heading', { level: 2, name: 'Access tokens' })).toBeVisible()
	await expect(section.getByText('No access tokens yet.')).toBeVisible()
	await expect(section.getByRole('heading', { level: 3, name: 'Signed-in command lines' })).toBeVisible()
	await expect(section.getByText('No command line is signed in.')).toBeVisible()
	await expect(section.getByText('Sign in from a terminal with npx taskwell login.')).toBeVisible()
	// The form's defaults: 30 days, read only, personal tasks.
	await expect(section.getByLabel('Expires in')).toHaveValue('30')
	await expect(section.getByRole('group', { name: 'Access' }).getByLabel('Read only')).toBeChecked()
	await expect(section.getByLabel('Workspace').locator('option:checked')).toHaveText('Personal tasks')

	// A name left empty: its error beside the field, nothing made.
	await section.getByRole('button', { name: 'Create token' }).click()
	await expectFieldError(section, 'Name', 'Give the token a name')
	await expect(section.getByLabel('Your new token')).toHaveCount(0)

	const secret = await createToken(page, { name: 'CI script', expiresIn: '30 days', access: 'Read only' })
	if (noJs()) {
		// Without JavaScript there is no "Copy": the field can be selected by hand.
		await expect(section.getByRole('button', { name: 'Copy' })).toHaveCount(0)
	} else {
		await page.context().grantPermissions(['clipboard-read', 'clipboard-write'])
		await section.getByRole('button', { name: 'Copy' }).click()
		await expect(section.getByText('Copied', { exact: true })).toBeVisible()
		expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret)
	}
	const first = tokenList(section).getByRole('listitem').filter({ hasText: 'CI script' })
	await expect(first).toContainText('Read only · Personal tasks')
	await expect(first).toContainText('Last used: Never')
	await expect(first).not.toContainText('Expires: Never')
	// The form is empty again for the next token.
	await expect(section.getByLabel('Name', { exact: true })).toHaveValue('')

	// Shown once: a new visit has the token in its list, never its secret.
	await page.goto('/settings')
	await expect(section.getByLabel('Your new token')).toHaveCount(0)
	await expect(tokenList(section).getByRole('listitem').filter({ hasText: 'CI script' })).toContainText('Read only')
	expect(await page.content()).not.toContain(secret)

	await createToken(page, { name: 'Deploy bot', expiresIn: 'No expiry', access: 'Read and write' })
	const second = tokenList(section).getByRole('listitem').filter({ hasText: 'Deploy bot' })
	await expect(second).toContainText('Read and write · Personal tasks')
	await expect(second).toContainText('Expires: Never')
	await expect(tokenList(section).getByRole('listitem')).toHaveCount(2)

	await expect(page.getByRole('region', { name: 'Recent security activity' }).getByText('Access token created: CI script')).toBeVisible()
})

test('access tokens: the answer that holds a secret is never stored, and only a workspace of the user’s may be chosen', async ({
	page,
	baseURL,
	user: _user,
}) => {
	await page.goto('/settings')
	const section = tokensSection(page)
	const answer = page.waitForResponse(
		(response) => response.request().method() === 'POST' && /^\/settings(\.data)?$/.test(new URL(response.url()).pathname),
	)
	await submitForm(section, { Name: 'Nightly export' }, 'Create token')
	const response = await answer
	expect(response.headers()['cache-control']).toContain('no-store')
	if (noJs()) expect(response.headers()['content-type']).toContain('text/html')
	const secret = await section.getByLabel('Your new token').inputValue()
	expect(secret).toMatch(/^tw_pat_/)
	await page.goto('/settings')
	await expect(section.getByLabel('Your new token')).toHaveCount(0)
	expect(await page.content()).not.toContain(secret)

	// A workspace id the user is not a member of: refused beside the field.
	const forged = await page.context().request.post('/settings', {
		form: { intent: 'create-access-token', name: 'Sneaky', expiresIn: '30', access: 'read', workspace: 'someone-elses-workspace' },
		headers: { Origin: new URL(baseURL!).origin },
		maxRedirects: 0,
	})
	expect(forged.status()).toBe(400)
	expect(await forged.text()).toContain('Choose your personal tasks or a workspace you belong to.')
	await page.goto('/settings')
	await expect(tokenList(section).getByRole('listitem').filter({ hasText: 'Sneaky' })).toHaveCount(0)
})

// Needs the task API's revocation endpoint (PUT /v1/me/access-tokens/{id}/revocation): until it is
// there, the page answers "Taskwell could not revoke this token right now" and the token stays.
test('access tokens: "Revoke" removes a token from the list', async ({ page, user: _user }) => {
	await page.goto('/settings')
	const section = tokensSection(page)
	await createToken(page, { name: 'CI script', expiresIn: '30 days', access: 'Read only' })
	await createToken(page, { name: 'Deploy bot', expiresIn: 'No expiry', access: 'Read and write' })
	await tokenList(section).getByRole('listitem').filter({ hasText: 'CI script' }).getByRole('button', { name: 'Revoke' }).click()
	await expect(page.getByRole('status').filter({ hasText: 'The token has been revoked.' })).toBeVisible()
	await expect(tokenList(section).getByRole('listitem').filter({ hasText: 'CI script' })).toHaveCount(0)
	await expect(tokenList(section).getByRole('listitem').filter({ hasText: 'Deploy bot' })).toHaveCount(1)
	await expect(page.getByRole('region', { name: 'Recent security activity' }).getByText('Access token revoked: CI script')).toBeVisible()
})
