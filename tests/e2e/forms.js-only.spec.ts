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
