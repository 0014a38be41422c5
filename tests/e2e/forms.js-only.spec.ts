/**
 * The forms kit's pending state (useIsPending): a submit button says it is
 * working while its own form is submitting, and not while another form on the
 * page is (here the header's "Sign out"). Each request is held until the
 * assertion is made, so nothing depends on timing. Only the js project runs
 * this file: without scripts there is no pending state.
 */
import { expect, holdPost, newUser, signUp, test } from './support.ts'

test('the add form shows its pending label while it submits', async ({ page }) => {
	await signUp(page, newUser('Pending Adder'))
	await page.getByLabel('Title').fill('Held task')
	const post = await holdPost(page, '/tasks', 'create')
	await page.getByRole('button', { name: 'Add task' }).click()
	await post.held
	await expect(page.getByRole('button', { name: 'Adding…' })).toHaveAttribute('aria-disabled', 'true')
	post.release()
	await expect(page.getByRole('status')).toHaveText('Task added.')
	await expect(page.getByRole('button', { name: 'Add task' })).not.toHaveAttribute('aria-disabled')
})

test('signing out does not make the add form look busy', async ({ page }) => {
	await signUp(page, newUser('Pending Leaver'))
	const post = await holdPost(page, '/logout')
	await page.getByRole('button', { name: 'Sign out' }).click()
	await post.held
	await expect(page.getByRole('button', { name: 'Adding…' })).toHaveCount(0)
	await expect(page.getByRole('button', { name: 'Add task' })).not.toHaveAttribute('aria-disabled')
	post.release()
	await expect(page).toHaveURL(/\/$/)
})

// The sign-in and account forms load their schemas when first used
// (use-browser-validated-form.ts), then check each field as it is left and
// stop a submit the schema refuses, as conform did: no request is sent.
test('sign-up checks a field when it is left and does not send a form the schema refuses', async ({ page }) => {
	const posts: string[] = []
	page.on('request', (request) => {
		if (request.method() === 'POST') posts.push(request.url())
	})
	await page.goto('/signup')
	const email = page.getByLabel('Email')
	await email.fill('not an email')
	await email.blur()
	await expect(page.getByText('Enter a valid email address')).toBeVisible()
	await expect(email).toHaveAttribute('aria-invalid', 'true')
	// Checked again on each input once it has been checked.
	await email.fill('ada@example.com')
	await expect(email).not.toHaveAttribute('aria-invalid')
	await expect(page.getByText('Enter a valid email address')).toHaveCount(0)

	await page.getByLabel('Password', { exact: true }).fill('lantern orbit quietly fern')
	await page.getByLabel('Confirm password').fill('lantern orbit quietly fen')
	// Submitted with Enter from another field: refused here, the first invalid field takes focus.
	await page.getByLabel('Name').fill('Ada')
	await page.getByLabel('Name').press('Enter')
	await expect(page.getByText('Passwords do not match')).toBeVisible()
	await expect(page.getByLabel('Confirm password')).toBeFocused()
	expect(posts).toEqual([])
})

test('a settings form checks its field in the browser too', async ({ page, user }) => {
	await page.goto('/settings')
	const posts: string[] = []
	page.on('request', (request) => {
		if (request.method() === 'POST') posts.push(request.url())
	})
	const name = page.getByRole('region', { name: 'Profile' }).getByLabel('Name')
	await expect(name).toHaveValue(user.name)
	await name.fill('')
	await name.blur()
	await expect(page.getByText('Name is required')).toBeVisible()
	await page.getByRole('button', { name: 'Save name' }).click()
	await expect(name).toBeFocused()
	expect(posts).toEqual([])
	await name.fill('Ada Renamed')
	await page.getByRole('button', { name: 'Save name' }).click()
	await expect(page.getByText('Your name has been saved.')).toBeVisible()
})

test('a refusal that comes back after its field was fixed does not mark the field again', async ({ page, user }) => {
	await page.goto('/settings')
	const profile = page.getByRole('region', { name: 'Profile' })
	const name = profile.getByLabel('Name')
	await expect(name).toHaveValue(user.name)
	// The form's schema (loaded when it is first used) arrives only once the
	// first save is on its way, so that one goes to the server; its answer is
	// held until the user has fixed the field.
	const save = await holdPost(page, '/settings', 'update-name')
	await page.route(/\/assets\/schemas-[^/]*\.js$/, async (route) => {
		await save.held
		await route.continue()
	})
	const posts: string[] = []
	page.on('request', (request) => {
		if (request.method() === 'POST') posts.push(request.url())
	})
	await name.fill('   ')
	await profile.getByRole('button', { name: 'Save name' }).click()
	await save.held
	// The browser's own check, once its schema is there (the field was left).
	await expect(profile.getByText('Name is required')).toBeVisible()
	await name.fill('Ada Renamed')
	await expect(profile.getByText('Name is required')).toBeHidden()
	const answer = page.waitForResponse((response) => response.request().method() === 'POST' && response.status() === 400)
	save.release()
	await answer
	// The refusal was of "   ": the field holds a good name now, and stays unmarked.
	await expect(profile.getByRole('button', { name: 'Save name' })).toBeVisible()
	await expect(name).not.toHaveAttribute('aria-invalid', 'true')
	await expect(profile.getByText('Name is required')).toBeHidden()
	await profile.getByRole('button', { name: 'Save name' }).click()
	await expect(page.getByText('Your name has been saved.')).toBeVisible()
	expect(posts).toHaveLength(2)
})
