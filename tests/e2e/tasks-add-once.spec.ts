/**
 * Adds happen exactly once (issue 9): the add form carries a one-time key
 * rendered by the server, so a second click while the first submission is on
its way (both projects) and the same
 * form body posted again after its answer was lost (what Reload → Resubmit
 * does without JavaScript) leave one task.
 */
import type { Page } from '@playwright/test'
import { expect, isPostWithIntent, newUser, test } from './support.ts'

async function expectOneTask(page: Page, title: string) {
	await page.goto('/tasks')
	const tabs = page.getByRole('navigation', { name: 'Filter tasks' })
	await expect(tabs.getByRole('link', { name: /^All/ })).toHaveText('All (1)')
	await expect(page.getByRole('link', { name: title, exact: true })).toHaveCount(1)
}

test('a second click on "Add task" while the first is still on its way adds the task once', async ({ page, signUpDirectly }) => {
	await signUpDirectly(page, newUser('Grace Hopper'))
	const key = await page.locator('input[type="hidden"][name="idempotencyKey"]').getAttribute('value')
	expect(key).toMatch(/^[0-9a-f-]{36}$/)
	// The first submission reaches the app, but its answer is slow: the user clicks again.
	let posts = 0
	let secondSent = () => {}
	const second = new Promise<void>((resolve) => (secondSent = resolve))
	// Adds only: once hydrated, the page also posts the browser's time zone to /tasks.
	await page.route(
		(url) => url.pathname === '/tasks' || url.pathname === '/tasks.data',
		async (route) => {
			if (!isPostWithIntent(route.request(), 'create')) return route.continue()
			posts += 1
			if (posts > 1) {
				secondSent()
				return route.continue()
			}
			const response = await route.fetch({ maxRedirects: 0 })
			await second
			// The browser has moved on to the second submission by now.
			await route.fulfill({ response }).catch(() => {})
		},
	)
	await page.getByLabel('Title').fill('Clicked twice')
	// Mouse clicks where the button is: the page is mid-navigation in between.
	const box = (await page.getByRole('button', { name: 'Add task' }).boundingBox())!
	await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2)
	await expect.poll(() => posts).toBe(1)
	await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2)
	await expect(page.getByRole('status')).toHaveText('Task added.')
	expect(posts).toBe(2)
	await page.unrouteAll({ behavior: 'ignoreErrors' })
	// A new key for the next task.
	await expect(page.locator('input[type="hidden"][name="idempotencyKey"]')).not.toHaveAttribute('value', key!)
	await expectOneTask(page, 'Clicked twice')
})

test.describe('without JavaScript (in both projects)', () => {
	// A document POST (that Reload → Resubmit sends again) only exists without JavaScript.
	test.use({ javaScriptEnabled: false })

	test('the answer of an add is lost and the same form is posted again: one task', async ({ page, baseURL, signUpDirectly }) => {
		await signUpDirectly(page, newUser('Katherine Johnson'))
		const bodies: string[] = []
		await page.route('**/tasks', async (route) => {
			const request = route.request()
			if (request.method() !== 'POST') return route.continue()
			bodies.push(request.postData() ?? '')
			if (bodies.length > 1) return route.continue()
			// The app adds the task, but its answer never reaches the browser.
			await route.fetch({ maxRedirects: 0 })
			await route.abort('connectionreset')
		})
		await page.getByLabel('Title').fill('Lost answer')
		await page
			.getByRole('button', { name: 'Add task' })
			.click()
			.catch(() => {})
		await expect.poll(() => bodies.length).toBe(1)
		expect(new URLSearchParams(bodies[0]).get('idempotencyKey')).toMatch(/^[0-9a-f-]{36}$/)
		await page.unroute('**/tasks')
		// What "Reload → Resubmit" sends: the same body, with the browser's cookies.
		const resent = await page.request.post('/tasks', {
			headers: { 'content-type': 'application/x-www-form-urlencoded', origin: new URL(baseURL!).origin },
			data: bodies[0],
			maxRedirects: 0,
		})
		expect(resent.status()).toBe(302)
		// Back to the list; the notice is a one-time flash cookie, not in the URL.
		expect(resent.headers().location).toBe('/tasks')
		await expectOneTask(page, 'Lost answer')
	})
})
