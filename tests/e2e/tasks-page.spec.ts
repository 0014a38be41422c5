/**
 * The tasks page of issue 14 (items 1–7), in both projects (no-js and js):
 * due dates, the one sort select, one-time notices, Undo delete, the phone
 * layout, the rows, and paging. Tasks are added through the add form's own
 * POST (as the browser sends it) where the form itself is not under test.
 */
import type { Locator, Page } from '@playwright/test'
import { expect, newUser, openDetails, test } from './support.ts'

function taskItem(page: Page, title: string) {
	return page.getByRole('listitem').filter({ has: page.getByRole('link', { name: title, exact: true }) })
}

/** Adds tasks with the add form's POST from the page's browser context (its cookies and client address). */
async function addTasks(page: Page, baseURL: string | undefined, tasks: Array<{ title: string; dueDate?: string; priority?: string }>) {
	for (const task of tasks) {
		const response = await page.request.post('/tasks', {
			form: { intent: 'create', title: task.title, dueDate: task.dueDate ?? '', priority: task.priority ?? 'normal' },
			headers: { origin: new URL(baseURL!).origin },
			maxRedirects: 0,
		})
		expect(response.status(), await response.text()).toBe(302)
	}
}

/**
 * After a delete: the "Task deleted." notice, `title` gone and the `tab`'s
 * count down to `counts.deleted`; then Undo: "Task restored.", `title` back
 * and the count at `counts.restored`.
 */
async function expectDeletedThenUndone(page: Page, title: string, tab: 'All' | 'Completed', counts: { deleted: number; restored: number }) {
	const tabLink = page.getByRole('navigation', { name: 'Filter tasks' }).getByRole('link', { name: new RegExp(`^${tab}`) })
	await expect(page.getByRole('status')).toHaveText('Task deleted.')
	await expect(taskItem(page, title)).toHaveCount(0)
	await expect(tabLink).toHaveText(`${tab} (${counts.deleted})`)
	await page.getByRole('button', { name: 'Undo' }).click()
	await expect(page.getByRole('status')).toHaveText('Task restored.')
	await expect(taskItem(page, title)).toBeVisible()
	await expect(tabLink).toHaveText(`${tab} (${counts.restored})`)
}

/** A calendar day `days` from today in `timeZone`, as YYYY-MM-DD. */
function dayFrom(days: number, timeZone: string): string {
	const today = new Intl.DateTimeFormat('en-CA', { timeZone }).format(new Date())
	const date = new Date(`${today}T00:00:00Z`)
	date.setUTCDate(date.getUTCDate() + days)
	return date.toISOString().slice(0, 10)
}

/** WCAG contrast of an element's text colour (or `property`) against the first opaque background behind it. */
async function contrastOf(locator: Locator, property: 'color' | 'outline-color' = 'color'): Promise<number> {
	return locator.evaluate((element, prop) => {
		const parse = (value: string) => (value.match(/[\d.]+/g) ?? []).map(Number)
		const luminance = ([r = 0, g = 0, b = 0]: number[]) => {
			const channel = (c: number) => {
				const s = c / 255
				return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4
			}
			return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
		}
		// The ring sits outside the element (outline-offset): measure it against what is behind the element.
		let node: Element | null = prop === 'color' ? element : element.parentElement
		let background = [255, 255, 255]
		while (node) {
			const parts = parse(getComputedStyle(node).backgroundColor)
			if (parts.length === 3 || (parts.length === 4 && parts[3]! > 0.99)) {
				background = parts.slice(0, 3)
				break
			}
			node = node.parentElement
		}
		const foreground = parse(getComputedStyle(element).getPropertyValue(prop))
		const [high, low] = [luminance(foreground), luminance(background)].sort((a, b) => b - a) as [number, number]
		return (high + 0.05) / (low + 0.05)
	}, property)
}

test.describe('due dates', () => {
	// The browser's language and a time zone far from UTC (UTC+14).
	test.use({ locale: 'de-DE', timezoneId: 'Pacific/Kiritimati' })

	test('"Overdue · N days", "Today", "Tomorrow", other dates in the user’s language; the user’s day', async ({
		page,
		baseURL,
		signUpDirectly,
	}, testInfo) => {
		const js = testInfo.project.name === 'js'
		// With JavaScript the browser's time zone is remembered on the account; without, UTC.
		const timeZone = js ? 'Pacific/Kiritimati' : 'UTC'
		const remembered = js
			? page.waitForResponse((response) => response.request().method() === 'POST' && /time-zone/.test(response.request().postData() ?? ''))
			: null
		await signUpDirectly(page, newUser('Dora Duedate'))
		if (remembered) expect((await remembered).status()).toBe(200)
		const later = dayFrom(10, timeZone)
		await addTasks(page, baseURL, [
			{ title: 'Late one', dueDate: dayFrom(-3, timeZone) },
			{ title: 'Late by a day', dueDate: dayFrom(-1, timeZone) },
			{ title: 'Due now', dueDate: dayFrom(0, timeZone) },
			{ title: 'Next one', dueDate: dayFrom(1, timeZone) },
			{ title: 'Far one', dueDate: later },
			{ title: 'Whenever' },
		])
		await page.goto('/tasks')
		await expect(taskItem(page, 'Late one')).toContainText('Overdue · 3 days')
		await expect(taskItem(page, 'Late by a day')).toContainText('Overdue · 1 day')
		await expect(taskItem(page, 'Due now')).toContainText('Today')
		await expect(taskItem(page, 'Next one')).toContainText('Tomorrow')
		const german = new Intl.DateTimeFormat('de-DE', { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(`${later}T00:00:00Z`))
		await expect(taskItem(page, 'Far one')).toContainText(`Due ${german}`)
		await expect(taskItem(page, 'Whenever').locator('.due')).toHaveCount(0)
		// Overdue: in words, and in a colour with text contrast (4.5:1).
		expect(await contrastOf(taskItem(page, 'Late one').locator('.due-overdue'))).toBeGreaterThanOrEqual(4.5)
		expect(await contrastOf(taskItem(page, 'Next one').locator('.due-tomorrow'))).toBeGreaterThanOrEqual(4.5)

		// Settings says which day due dates count in.
		await page.goto('/settings')
		await expect(page.locator('.time-zone-note')).toHaveText(
			js ? 'Due dates use your time zone: Pacific/Kiritimati.' : 'Due dates use UTC until you open Taskwell with JavaScript on.',
		)
	})
})

test('one sort select with five choices; "Due soonest" puts overdue first and undated last', async ({ page, baseURL, user }) => {
	expect(user.name).toBeTruthy()
	await addTasks(page, baseURL, [
		{ title: 'Undated' },
		{ title: 'Overdue', dueDate: dayFrom(-2, 'UTC') },
		{ title: 'In a week', dueDate: dayFrom(7, 'UTC') },
		{ title: 'Tomorrow task', dueDate: dayFrom(1, 'UTC'), priority: 'high' },
	])
	await page.goto('/tasks')
	await openDetails(page, 'Search and sort')
	const sort = page.getByLabel('Sort')
	await expect(sort.locator('option')).toHaveText(['Newest first', 'Oldest first', 'Due soonest', 'Due latest', 'Highest priority'])
	await expect(page.getByLabel('Order')).toHaveCount(0)
	const titles = () => page.locator('.task-item .task-title')

	for (const [choice, expected] of [
		['Due soonest', ['Overdue', 'Tomorrow task', 'In a week', 'Undated']],
		['Due latest', ['In a week', 'Tomorrow task', 'Overdue', 'Undated']],
		['Oldest first', ['Undated', 'Overdue', 'In a week', 'Tomorrow task']],
		['Newest first', ['Tomorrow task', 'In a week', 'Overdue', 'Undated']],
	] as const) {
		await openDetails(page, 'Search and sort')
		await page.getByLabel('Sort').selectOption({ label: choice })
		await page.getByRole('button', { name: 'Apply' }).click()
		await expect(titles()).toHaveText([...expected])
		await expect(page.getByLabel('Sort')).toHaveValue(
			{ 'Due soonest': 'due-soonest', 'Due latest': 'due-latest', 'Oldest first': 'oldest', 'Newest first': 'newest' }[choice],
		)
	}
	await openDetails(page, 'Search and sort')
	await page.getByLabel('Sort').selectOption({ label: 'Highest priority' })
	await page.getByRole('button', { name: 'Apply' }).click()
	await expect(titles().first()).toHaveText('Tomorrow task')
	// A link from before the one select still opens its view.
	await page.goto('/tasks?sort=due&order=desc')
	await expect(titles()).toHaveText(['In a week', 'Tomorrow task', 'Overdue', 'Undated'])
})

test('notices are one-time, about the action just taken, never in the URL, in one live region', async ({ page, user }) => {
	expect(user.name).toBeTruthy()
	const status = page.getByRole('status')
	await expect(page.locator('main [aria-live="polite"]')).toHaveCount(1)
	await page.getByLabel('Title').fill('Call the dentist')
	await page.getByRole('button', { name: 'Add task' }).click()
	await expect(status).toHaveText('Task added.')
	expect(new URL(page.url()).search).toBe('')
	await page.getByRole('button', { name: 'Mark done: Call the dentist' }).click()
	await expect(status).toHaveText('Task marked done.')
	expect(page.url()).not.toContain('notice')
	// Read once: a reload shows no notice.
	await page.reload()
	await expect(status).toHaveCount(0)
	await expect(page.locator('main [aria-live="polite"]')).toHaveCount(1)
	// A refused add: the error, and no stale "Task added.".
	await page.getByRole('button', { name: 'Add task' }).click()
	await expect(page.getByText('Title is required')).toBeVisible()
	await expect(status).toHaveCount(0)
	// Another page after a notice: it does not follow.
	await page.getByLabel('Title').fill('Book a table')
	await page.getByRole('button', { name: 'Add task' }).click()
	await expect(status).toHaveText('Task added.')
	await page.getByRole('link', { name: 'Book a table', exact: true }).click()
	await expect(page.getByRole('heading', { name: 'Edit task' })).toBeVisible()
	await expect(status).toHaveCount(0)
})

test('Undo delete, for one task and for "Clear completed"', async ({ page, baseURL, user }, testInfo) => {
	expect(user.name).toBeTruthy()
	const js = testInfo.project.name === 'js'
	await addTasks(page, baseURL, [{ title: 'Keep me' }, { title: 'Throw away' }, { title: 'Done and cleared' }])
	await page.goto('/tasks')
	await page.getByRole('button', { name: 'Mark done: Done and cleared' }).click()
	await expect(page.getByRole('button', { name: 'Mark not done: Done and cleared' })).toBeVisible()

	await taskItem(page, 'Throw away').getByRole('button', { name: 'Delete' }).click()
	if (js) await taskItem(page, 'Throw away').getByRole('button', { name: 'Delete', exact: true }).click()
	else await page.getByRole('button', { name: 'Delete', exact: true }).click()
	await expectDeletedThenUndone(page, 'Throw away', 'All', { deleted: 2, restored: 3 })
	await expect(page.getByRole('button', { name: 'Undo' })).toHaveCount(0)

	await page.getByRole('button', { name: 'Clear completed' }).click()
	await expectDeletedThenUndone(page, 'Done and cleared', 'Completed', { deleted: 0, restored: 1 })
	// The notice is gone after the next navigation: no Undo left behind.
	await page.goto('/tasks')
	await expect(page.getByRole('button', { name: 'Undo' })).toHaveCount(0)
})

test('an Undo after its 30 seconds says it is too late', async ({ page, baseURL, user }) => {
	expect(user.name).toBeTruthy()
	await addTasks(page, baseURL, [{ title: 'Gone for good' }])
	await page.goto('/tasks')
	const id = await taskItem(page, 'Gone for good').getAttribute('data-task-id')
	// An Undo whose task cannot be restored (here: never deleted) answers like a late one.
	const response = await page.request.post('/tasks', {
		form: { intent: 'undo', id: id! },
		headers: { origin: new URL(baseURL!).origin },
		maxRedirects: 0,
	})
	expect(response.status()).toBe(302)
	await page.goto('/tasks')
	await expect(page.getByRole('alert')).toHaveText('Too late to undo: the task is gone for good.')
})

for (const viewport of [
	{ name: 'phone', width: 390, height: 844 },
	{ name: 'desktop', width: 1280, height: 800 },
]) {
	test.describe(`${viewport.name} (${viewport.width}×${viewport.height})`, () => {
		test.use({ viewport: { width: viewport.width, height: viewport.height } })

		test('the list comes first: one-line quick add, More options and Search and sort folded, five tasks in view', async ({
			page,
			baseURL,
			user,
		}) => {
			expect(user.name).toBeTruthy()
			await addTasks(
				page,
				baseURL,
				Array.from({ length: 7 }, (_, index) => ({
					title: `Errand number ${index + 1}`,
					dueDate: index % 2 ? dayFrom(index - 3, 'UTC') : undefined,
					priority: index === 3 ? 'high' : 'normal',
				})),
			)
			await page.goto('/tasks')
			const title = await page.getByLabel('Title').boundingBox()
			const add = await page.getByRole('button', { name: 'Add task' }).boundingBox()
			// One line: the button beside the field.
			expect(add!.x).toBeGreaterThan(title!.x + title!.width - 1)
			expect(Math.abs(add!.y + add!.height - (title!.y + title!.height))).toBeLessThan(4)
			await expect(page.getByLabel('Notes')).toBeHidden()
			await expect(page.getByRole('searchbox', { name: 'Search' })).toBeHidden()
			await page.locator('summary', { hasText: 'More options' }).click()
			await expect(page.getByLabel('Notes')).toBeVisible()
			await expect(page.getByLabel('Due date')).toBeVisible()
			await expect(page.getByLabel('Priority')).toBeVisible()
			await page.locator('summary', { hasText: 'More options' }).click()
			await expect(page.getByLabel('Notes')).toBeHidden()
			// At least five tasks entirely on screen without scrolling.
			const rows = page.locator('.task-item')
			await expect(rows).toHaveCount(7)
			let inView = 0
			for (const box of await Promise.all((await rows.all()).map((row) => row.boundingBox()))) {
				if (box && box.y >= 0 && box.y + box.height <= viewport.height) inView += 1
			}
			// On a phone the list comes first: five or more rows in view (on a desktop, the list is in view).
			expect(inView).toBeGreaterThanOrEqual(viewport.name === 'phone' ? 5 : 3)
			// No sideways scrolling.
			expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width)
			await page.screenshot({ path: test.info().outputPath(`tasks-${viewport.name}.png`) })
		})
	})
}

test('rows: a checkbox-looking toggle that is a button in a form, names with the task, no "Normal" badge, done looks done', async ({
	page,
	baseURL,
	user,
}) => {
	expect(user.name).toBeTruthy()
	await addTasks(page, baseURL, [
		{ title: 'Call the dentist' },
		{ title: 'File the taxes', priority: 'high' },
		{ title: 'Water plants', priority: 'low' },
	])
	await page.goto('/tasks')
	const toggle = page.getByRole('button', { name: 'Mark done: Call the dentist', exact: true })
	await expect(toggle).toBeVisible()
	// A real button inside a form (works without JavaScript), not a checkbox input.
	await expect(page.locator('form button.task-check')).toHaveCount(3)
	await expect(page.getByRole('checkbox')).toHaveCount(0)
	const box = await taskItem(page, 'Call the dentist').locator('.task-check-box').boundingBox()
	expect(Math.round(box!.width)).toBe(Math.round(box!.height))
	await expect(page.getByRole('button', { name: 'Delete: Call the dentist', exact: true })).toBeVisible()
	// The short names still find them.
	await expect(taskItem(page, 'Call the dentist').getByRole('button', { name: 'Mark done' })).toHaveCount(1)
	await expect(taskItem(page, 'Call the dentist').getByRole('button', { name: 'Delete' })).toHaveCount(1)
	await expect(page.getByText('Normal priority')).toHaveCount(0)
	await expect(taskItem(page, 'File the taxes')).toContainText('High priority')
	await expect(taskItem(page, 'Water plants')).toContainText('Low priority')

	await toggle.click()
	const done = taskItem(page, 'Call the dentist')
	await expect(done.getByRole('button', { name: 'Mark not done: Call the dentist', exact: true })).toBeVisible()
	await expect(done).toHaveClass(/is-completed/)
	expect(await done.locator('.task-title').evaluate((element) => getComputedStyle(element).textDecorationLine)).toBe('line-through')
	expect(await done.locator('.task-check-box').evaluate((element) => getComputedStyle(element).backgroundColor)).not.toBe(
		await taskItem(page, 'File the taxes')
			.locator('.task-check-box')
			.evaluate((element) => getComputedStyle(element).backgroundColor),
	)
})

test('paging: "Load more" appends with JavaScript; "Next page" and "Previous page" without', async ({ page, baseURL, user }, testInfo) => {
	expect(user.name).toBeTruthy()
	test.setTimeout(120_000)
	const js = testInfo.project.name === 'js'
	// 52 tasks: the first page holds 50 (newest first).
	await addTasks(
		page,
		baseURL,
		Array.from({ length: 52 }, (_, index) => ({ title: `Paged task ${String(index + 1).padStart(2, '0')}` })),
	)
	await page.goto('/tasks')
	const rows = page.locator('.task-item')
	await expect(rows).toHaveCount(50)
	await expect(rows.first()).toContainText('Paged task 52')
	if (js) {
		await expect(page.getByRole('link', { name: 'Next page' })).toHaveCount(0)
		await page.getByRole('button', { name: 'Load more' }).click()
		await expect(rows).toHaveCount(52)
		await expect(rows.first()).toContainText('Paged task 52')
		await expect(rows.last()).toContainText('Paged task 01')
		expect(new URL(page.url()).search).toBe('')
		await expect(page.getByRole('button', { name: 'Load more' })).toHaveCount(0)
		// A row of the appended page can be marked done, and stays so.
		await page.getByRole('button', { name: 'Mark done: Paged task 01' }).click()
		await expect(page.getByRole('status')).toHaveText('Task marked done.')
		await expect(page.getByRole('button', { name: 'Mark not done: Paged task 01' })).toBeVisible()
		await expect(page.getByRole('navigation', { name: 'Filter tasks' }).getByRole('link', { name: /^Completed/ })).toHaveText(
			'Completed (1)',
		)
		await expect(page.getByRole('button', { name: 'Mark not done: Paged task 01' })).toBeVisible()
	} else {
		await expect(page.getByRole('button', { name: 'Load more' })).toHaveCount(0)
		await expect(page.getByRole('link', { name: 'Previous page' })).toHaveCount(0)
		await page.getByRole('link', { name: 'Next page' }).click()
		await expect(rows).toHaveCount(2)
		await expect(rows.last()).toContainText('Paged task 01')
		await expect(page.getByRole('link', { name: 'Next page' })).toHaveCount(0)
		// A toggle on page 2 comes back to page 2.
		await page.getByRole('button', { name: 'Mark done: Paged task 01' }).click()
		await expect(page.getByRole('button', { name: 'Mark not done: Paged task 01' })).toBeVisible()
		await expect(rows).toHaveCount(2)
		await page.getByRole('link', { name: 'Previous page' }).click()
		await expect(rows).toHaveCount(50)
		await expect(rows.first()).toContainText('Paged task 52')
		expect(new URL(page.url()).search).toBe('')
	}
})

test('the focus ring has at least 3:1 contrast, light and dark', async ({ page, user }) => {
	expect(user.name).toBeTruthy()
	for (const colorScheme of ['light', 'dark'] as const) {
		await page.emulateMedia({ colorScheme })
		await page.goto('/tasks')
		await page.getByLabel('Title').focus()
		await page.keyboard.press('Tab')
		const add = page.getByRole('button', { name: 'Add task' })
		await expect(add).toBeFocused()
		expect(await add.evaluate((element) => getComputedStyle(element).outlineStyle)).toBe('solid')
		expect(await contrastOf(add, 'outline-color'), colorScheme).toBeGreaterThanOrEqual(3)
		const title = page.getByLabel('Title')
		await title.focus()
		expect(await contrastOf(title, 'outline-color'), colorScheme).toBeGreaterThanOrEqual(3)
	}
})
