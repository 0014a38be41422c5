/**
 * Adds happen exactly once (issue 9): the same form body posted again after
 * its answer was lost (what Reload → Resubmit does without JavaScript)
 * leaves one task. A document POST only exists without JavaScript: the
 * no-js project only. (A second click while the first submission is on its
 * way, in both projects: tasks-add-once.spec.ts.)
 */
import { expect, expectOneTask, newUser, test } from './support.ts'

test.describe('without JavaScript', () => {
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
