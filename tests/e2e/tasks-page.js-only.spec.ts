/**
 * The tasks page with JavaScript (issue 14 items 0 and 8): nothing typed is
 * lost while an add is saving, and focus goes where the user expects after
 * a delete, a search and Escape. (Without JavaScript every action is a page
 * load; tests/e2e/tasks-page.spec.ts covers both projects.)
 */
import type { Page } from '@playwright/test'
import { expect, openDetails, test } from './support.ts'

function taskLink(page: Page, title: string) {
	return page.getByRole('link', { name: title, exact: true })
}

function taskItem(page: Page, title: string) {
	return page.getByRole('listitem').filter({ has: taskLink(page, title) })
}

/** Holds the next add (a POST to /tasks with intent=create: the save is slow) until release() is called. */
async function holdNextSave(page: Page) {
	let held = () => {}
	let release = () => {}
	const heldPromise = new Promise<void>((resolve) => (held = resolve))
	const released = new Promise<void>((resolve) => (release = resolve))
	let holding = false
	await page.route(
		(url) => url.pathname === '/tasks' || url.pathname === '/tasks.data',
		async (route) => {
			const request = route.request()
			if (holding || request.method() !== 'POST' || !/intent=create/.test(request.postData() ?? '')) return route.continue()
			holding = true
			held()
			await released
			await route.continue()
		},
	)
	return { held: heldPromise, release }
}

test('typing the next task while the previous add is still saving: both tasks, nothing lost', async ({ page, user }) => {
	expect(user.name).toBeTruthy()
	const title = page.getByLabel('Title')
	await title.fill('Call the dentist')
	const save = await holdNextSave(page)
	await page.getByRole('button', { name: 'Add task' }).click()
	await save.held
	// The first add is on its way: the user types the next one (with a due date).
	await title.fill('Book the car service')
	await openDetails(page, 'More options')
	await page.getByLabel('Due date').fill('2031-05-06')
	save.release()
	await expect(taskLink(page, 'Call the dentist')).toBeVisible()
	await expect(page.getByRole('status')).toHaveText('Task added.')
	// What was typed meanwhile is still there.
	await expect(title).toHaveValue('Book the car service')
	await expect(page.getByLabel('Due date')).toHaveValue('2031-05-06')
	await page.getByRole('button', { name: 'Add task' }).click()
	await expect(taskLink(page, 'Book the car service')).toBeVisible()
	await expect(taskLink(page, 'Call the dentist')).toBeVisible()
	await expect(taskItem(page, 'Book the car service')).toContainText('May 6, 2031')
	// Both sent: the form is empty again, ready for the next one.
	await expect(title).toHaveValue('')
	await expect(page.getByLabel('Due date')).toHaveValue('')
	await expect(title).toBeFocused()
})
