/**
 * The tasks page with JavaScript (issue 14 items 0 and 8): nothing typed is
 * lost while an add is saving, and focus goes where the user expects after
 * a delete, a search and Escape. (Without JavaScript every action is a page
 * load; tests/e2e/tasks-page.spec.ts covers both projects.)
 */
import type { Page } from '@playwright/test'
import { expect, holdPost, newUser, openDetails, test } from './support.ts'

function taskLink(page: Page, title: string) {
	return page.getByRole('link', { name: title, exact: true })
}

function taskItem(page: Page, title: string) {
	return page.getByRole('listitem').filter({ has: taskLink(page, title) })
}

test('typing the next task while the previous add is still saving: both tasks, nothing lost', async ({ page, user }) => {
	expect(user.name).toBeTruthy()
	const title = page.getByLabel('Title')
	await title.fill('Call the dentist')
	const save = await holdPost(page, '/tasks', 'create')
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

test('focus: after a delete the next task (or the heading); Escape cancels the confirmation; a search keeps the search box', async ({
	page,
	user,
}) => {
	expect(user.name).toBeTruthy()
	for (const title of ['Alpha errand', 'Bravo errand', 'Charlie errand']) {
		await page.getByLabel('Title').fill(title)
		await page.getByRole('button', { name: 'Add task' }).click()
		await expect(taskLink(page, title)).toBeVisible()
	}
	// Newest first: Charlie, Bravo, Alpha.
	// Each id once: focus after a delete finds the next title link by its id
	// (when its row had the same id, the row was found and focus was lost).
	const ids = await page.locator('[id]').evaluateAll((elements) => elements.map((element) => element.id))
	expect(ids.filter((id, index) => ids.indexOf(id) !== index)).toEqual([])

	// Escape cancels an inline confirmation; focus returns to its Delete button.
	await page.getByRole('button', { name: 'Delete: Charlie errand' }).click()
	await expect(taskItem(page, 'Charlie errand')).toContainText('Delete this task?')
	await expect(taskItem(page, 'Charlie errand').getByRole('button', { name: 'Delete', exact: true })).toBeFocused()
	await page.keyboard.press('Escape')
	await expect(taskItem(page, 'Charlie errand')).not.toContainText('Delete this task?')
	await expect(page.getByRole('button', { name: 'Delete: Charlie errand' })).toBeFocused()

	// Delete Bravo: focus moves to the next task, Alpha.
	await page.getByRole('button', { name: 'Delete: Bravo errand' }).click()
	await page.keyboard.press('Enter')
	await expect(taskLink(page, 'Bravo errand')).toHaveCount(0)
	await expect(taskLink(page, 'Alpha errand')).toBeFocused()
	await expect(page.getByRole('status')).toHaveText('Task deleted.')

	// Delete the last task: focus moves to the list heading.
	await page.getByRole('button', { name: 'Delete: Alpha errand' }).click()
	await page.keyboard.press('Enter')
	await expect(taskLink(page, 'Alpha errand')).toHaveCount(0)
	await expect(page.getByRole('heading', { name: 'Your tasks' })).toBeFocused()

	// A search (Enter, or Apply) leaves focus in the search box.
	await openDetails(page, 'Search and sort')
	const search = page.getByRole('searchbox', { name: 'Search' })
	await search.fill('Charlie')
	await search.press('Enter')
	await expect(page).toHaveURL(/q=Charlie/)
	await expect(search).toBeFocused()
	await search.fill('errand')
	await page.getByRole('button', { name: 'Apply' }).click()
	await expect(page).toHaveURL(/q=errand/)
	await expect(search).toBeFocused()
	await expect(page.locator('.task-item')).toHaveCount(1)
})

test('a notice stays while the page revalidates for another reason: a new account saving its time zone after the notice arrived', async ({
	page,
	signUpDirectly,
}) => {
	// A new account's first hydrated tasks page posts the browser's time zone; held here until the notice is shown.
	const timeZone = await holdPost(page, '/tasks', 'time-zone')
	await signUpDirectly(page, newUser('Notice Keeper'))
	await timeZone.held
	await page.getByLabel('Title').fill('Water the plants')
	await page.getByRole('button', { name: 'Add task' }).click()
	await expect(page.getByRole('status')).toHaveText('Task added.')
	// The time zone's answer revalidates the page; the root loader has handed its notice over already.
	const revalidated = page.waitForResponse(
		(response) => response.request().method() === 'GET' && new URL(response.url()).pathname.endsWith('.data'),
	)
	timeZone.release()
	await revalidated
	await page.waitForLoadState('networkidle')
	await expect(page.getByRole('status')).toHaveText('Task added.', { timeout: 2000 })
})

test('the route manifest comes with the app: navigating in the browser asks the server for no manifest patches', async ({ page, user }) => {
	expect(user.name).toBeTruthy()
	// React Router's lazy route discovery would ask /__manifest for the
	// routes of the links a page renders (react-router.config.ts).
	const manifestRequests: string[] = []
	page.on('request', (request) => {
		if (new URL(request.url()).pathname.endsWith('/__manifest')) manifestRequests.push(request.url())
	})
	await page.getByLabel('Title').fill('Renew the passport')
	await page.getByRole('button', { name: 'Add task' }).click()
	const documents: string[] = []
	page.on('request', (request) => {
		if (request.resourceType() === 'document') documents.push(request.url())
	})
	await taskLink(page, 'Renew the passport').click()
	await expect(page.getByRole('heading', { name: 'Edit task' })).toBeVisible()
	await expect(page.getByLabel('Title')).toHaveValue('Renew the passport')
	await page.getByRole('link', { name: 'Settings' }).click()
	await expect(page.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible()
	await page.waitForLoadState('networkidle')
	// Client-side navigations (no page loads), and not one manifest request.
	expect(documents).toEqual([])
	expect(manifestRequests).toEqual([])
})
