/**
 * The task pages through the BFF, in both projects (no-js and js): the whole
 * flow of issue 4, and a crawl of everything the browser received during it
 * for a JWT-shaped string.
 */
import type { Page, Response } from '@playwright/test'
import { expect, newUser, openDetails, signIn, signOut, test } from './support.ts'

const JWT_SHAPED = /eyJ[\w-]+\.[\w-]+\.[\w-]+/

/** Every response the page receives: its headers and body, for the crawl. */
function recordResponses(page: Page) {
	const seen: { url: string; text: Promise<string> }[] = []
	page.on('response', (response: Response) => {
		const headers = JSON.stringify(response.headers())
		const text = response
			.body()
			.then((body) => `${headers}\n${body.toString('utf8')}`)
			.catch(() => headers)
		seen.push({ url: response.url(), text })
	})
	return seen
}

function taskItem(page: Page, title: string) {
	return page.getByRole('listitem').filter({ has: page.getByRole('link', { name: title, exact: true }) })
}

async function addTask(page: Page, fields: { title: string; notes?: string; dueDate?: string; priority?: string }) {
	await page.getByLabel('Title').fill(fields.title)
	if (fields.notes || fields.dueDate || fields.priority) await openDetails(page, 'More options')
	if (fields.notes) await page.getByLabel('Notes').fill(fields.notes)
	if (fields.dueDate) await page.getByLabel('Due date').fill(fields.dueDate)
	if (fields.priority) await page.getByLabel('Priority').selectOption(fields.priority)
	await page.getByRole('button', { name: 'Add task' }).click()
	await expect(page.getByRole('status')).toHaveText('Task added.')
	await expect(taskItem(page, fields.title)).toBeVisible()
}

async function expectCounts(page: Page, all: number, active: number, completed: number) {
	const tabs = page.getByRole('navigation', { name: 'Filter tasks' })
	await expect(tabs.getByRole('link', { name: /^All/ })).toHaveText(`All (${all})`)
	await expect(tabs.getByRole('link', { name: /^Active/ })).toHaveText(`Active (${active})`)
	await expect(tabs.getByRole('link', { name: /^Completed/ })).toHaveText(`Completed (${completed})`)
}

test('tasks: add, validate, toggle, filter, search, edit, delete, clear, sign out and in; another user sees none', async ({
	page,
	browser,
	baseURL,
	signUpDirectly,
}, testInfo) => {
	const jsEnabled = testInfo.project.name === 'js'
	const seen = recordResponses(page)
	const ada = newUser('Ada Lovelace')
	await signUpDirectly(page, ada)
	await expect(page.getByRole('heading', { level: 1, name: 'Hello, Ada Lovelace' })).toBeVisible()
	await expect(page.getByText('You have no tasks yet')).toBeVisible()

	// Validation: an empty title keeps the other fields (under "More options").
	await openDetails(page, 'More options')
	await page.getByLabel('Notes').fill('Kept notes')
	await page.getByLabel('Due date').fill('2030-01-02')
	await page.getByLabel('Priority').selectOption('high')
	await page.getByRole('button', { name: 'Add task' }).click()
	await expect(page.getByLabel('Title')).toHaveAttribute('aria-invalid', 'true')
	await expect(page.getByText('Title is required')).toBeVisible()
	await expect(page.getByLabel('Notes')).toHaveValue('Kept notes')
	await expect(page.getByLabel('Due date')).toHaveValue('2030-01-02')
	await expect(page.getByLabel('Priority')).toHaveValue('high')
	const describedBy = await page.getByLabel('Title').getAttribute('aria-describedby')
	expect(describedBy).toBeTruthy()
	await expect(page.locator(`[id="${describedBy}"]`)).toHaveText('Title is required')

	// Three tasks, one with every field.
	await page.getByLabel('Title').fill('Write the first program')
	await page.getByRole('button', { name: 'Add task' }).click()
	await expect(page.getByRole('status')).toHaveText('Task added.')
	const full = taskItem(page, 'Write the first program')
	await expect(full).toContainText('Kept notes')
	// In the browser's language (en-US here), as the date input shows it.
	await expect(full).toContainText('Due Jan 2, 2030')
	await expect(full).toContainText('High priority')
	if (jsEnabled) await expect(page.getByLabel('Title')).toBeFocused()
	await expect(page.getByLabel('Title')).toHaveValue('')
	await addTask(page, { title: 'Translate the memoir' })
	await addTask(page, { title: 'Buy more punch cards', priority: 'low' })
	await expect(
		page
			.getByRole('list')
			.filter({ has: page.getByRole('link', { name: 'Translate the memoir' }) })
			.getByRole('listitem'),
	).toHaveCount(3)
	await expectCounts(page, 3, 3, 0)

	// Toggle one.
	await taskItem(page, 'Translate the memoir').getByRole('button', { name: 'Mark done' }).click()
	await expect(taskItem(page, 'Translate the memoir').getByRole('button', { name: 'Mark not done' })).toBeVisible()
	await expectCounts(page, 3, 2, 1)

	// Each tab.
	await page.getByRole('link', { name: /^Active/ }).click()
	await expect(page).toHaveURL(/status=active/)
	await expect(page.getByRole('link', { name: /^Active/ })).toHaveAttribute('aria-current', 'page')
	await expect(taskItem(page, 'Translate the memoir')).toHaveCount(0)
	await expect(taskItem(page, 'Write the first program')).toBeVisible()
	await page.getByRole('link', { name: /^Completed/ }).click()
	await expect(page).toHaveURL(/status=completed/)
	await expect(taskItem(page, 'Translate the memoir')).toBeVisible()
	await expect(taskItem(page, 'Write the first program')).toHaveCount(0)
	await page.getByRole('link', { name: /^All/ }).click()
	await expect(page.locator('.task-item')).toHaveCount(3)

	// Search (q), kept by a mutation's redirect.
	await openDetails(page, 'Search and sort')
	await page.getByRole('searchbox', { name: 'Search' }).fill('punch')
	await page.getByRole('button', { name: 'Apply' }).click()
	await expect(page).toHaveURL(/q=punch/)
	await expect(page.locator('.task-item')).toHaveCount(1)
	await taskItem(page, 'Buy more punch cards').getByRole('button', { name: 'Mark done' }).click()
	await expect(taskItem(page, 'Buy more punch cards').getByRole('button', { name: 'Mark not done' })).toBeVisible()
	await expect(page).toHaveURL(/q=punch/)
	await taskItem(page, 'Buy more punch cards').getByRole('button', { name: 'Mark not done' }).click()
	await expect(taskItem(page, 'Buy more punch cards').getByRole('button', { name: 'Mark done' })).toBeVisible()
	await openDetails(page, 'Search and sort')
	await page.getByRole('searchbox', { name: 'Search' }).fill('')
	await page.getByRole('button', { name: 'Apply' }).click()
	await expect(page.locator('.task-item')).toHaveCount(3)

	// Edit.
	await page.getByRole('link', { name: 'Write the first program', exact: true }).click()
	await expect(page.getByRole('heading', { name: 'Edit task' })).toBeVisible()
	await expect(page.getByLabel('Title')).toHaveValue('Write the first program')
	await expect(page.getByLabel('Notes')).toHaveValue('Kept notes')
	await page.getByLabel('Title').fill('')
	await page.getByRole('button', { name: 'Save' }).click()
	await expect(page.getByText('Title is required')).toBeVisible()
	await expect(page.getByLabel('Notes')).toHaveValue('Kept notes')
	await page.getByLabel('Title').fill('Write the Bernoulli program')
	await page.getByRole('button', { name: 'Save' }).click()
	await expect(page.getByRole('status')).toHaveText('Task saved.')
	await expect(taskItem(page, 'Write the Bernoulli program')).toBeVisible()
	// The list comes back scrolled to the edited task, which is marked.
	await expect(page).toHaveURL(/\/tasks(\?[^#]*)?#task-[\w-]+$/)
	await expect(taskItem(page, 'Write the Bernoulli program')).toBeInViewport()
	expect(
		await taskItem(page, 'Write the Bernoulli program').evaluate(
			(row) => row.matches(':has(:target)') || row.classList.contains('is-just-edited'),
		),
	).toBe(true)
	const taskUrl = new URL((await page.getByRole('link', { name: 'Write the Bernoulli program' }).getAttribute('href'))!, baseURL).pathname

	// Delete with confirmation (a confirmation page without JS, in place with JS).
	await taskItem(page, 'Buy more punch cards').getByRole('button', { name: 'Delete' }).click()
	if (jsEnabled) {
		await expect(taskItem(page, 'Buy more punch cards')).toContainText('Delete this task?')
		await taskItem(page, 'Buy more punch cards').getByRole('button', { name: 'Delete' }).click()
	} else {
		await expect(page.getByRole('heading', { name: 'Delete task?' })).toBeVisible()
		await expect(page.getByText('Buy more punch cards')).toBeVisible()
		await page.getByRole('button', { name: 'Delete' }).click()
	}
	await expect(page.getByRole('status')).toHaveText('Task deleted.')
	await expect(taskItem(page, 'Buy more punch cards')).toHaveCount(0)
	await expectCounts(page, 2, 1, 1)

	// Clear completed.
	await page.getByRole('button', { name: 'Clear completed' }).click()
	await expect(taskItem(page, 'Translate the memoir')).toHaveCount(0)
	await expectCounts(page, 1, 1, 0)
	await expect(page.getByRole('button', { name: 'Clear completed' })).toHaveCount(0)

	// Sign out, sign back in: the remaining task is there.
	await signOut(page)
	await signIn(page, ada)
	await expect(page).toHaveURL(/\/tasks$/)
	await expect(taskItem(page, 'Write the Bernoulli program')).toBeVisible()
	await expect(page.locator('.task-item')).toHaveCount(1)

	if (jsEnabled) expect(await page.evaluate(() => document.cookie)).toBe('')

	// A second user sees none of them and gets 404 on the first user's task.
	const context = await browser.newContext({ javaScriptEnabled: jsEnabled })
	const other = await context.newPage()
	const otherSeen = recordResponses(other)
	await signUpDirectly(other, newUser('Grace Hopper'))
	await expect(other.getByText('You have no tasks yet')).toBeVisible()
	const response = await other.goto(taskUrl)
	expect(response?.status()).toBe(404)
	await expect(other.getByRole('heading', { name: 'Page not found' })).toBeVisible()
	await context.close()

	// The crawl: every page, asset, .data response and header seen.
	const urls = new Set([...seen, ...otherSeen].map((entry) => entry.url))
	expect([...urls].some((url) => url.includes('/assets/')) || !jsEnabled).toBe(true)
	for (const entry of [...seen, ...otherSeen]) {
		const text = await entry.text
		expect(text, `JWT-shaped string in ${entry.url}`).not.toMatch(JWT_SHAPED)
	}
})
