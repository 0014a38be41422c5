/**
 * Adds happen exactly once (issue 9): the add form carries a one-time key
 * rendered by the server, so a second click while the first submission is on
 * its way (both projects) leaves one task. (The same form body posted again
 * after its answer was lost: tasks-add-once.server.spec.ts; the page
 * rendered again between the two clicks: tasks-add-once.js-only.spec.ts.)
 */
import { answerFirstAddAfterSecond, expect, expectOneTask, newUser, test } from './support.ts'

test('a second click on "Add task" while the first is still on its way adds the task once', async ({ page, signUpDirectly }) => {
	await signUpDirectly(page, newUser('Grace Hopper'))
	const key = await page.locator('input[type="hidden"][name="idempotencyKey"]').getAttribute('value')
	expect(key).toMatch(/^[0-9a-f-]{36}$/)
	// The first submission reaches the app, but its answer is slow: the user clicks again.
	const adds = await answerFirstAddAfterSecond(page)
	await page.getByLabel('Title').fill('Clicked twice')
	// Mouse clicks where the button is: the page is mid-navigation in between.
	const box = (await page.getByRole('button', { name: 'Add task' }).boundingBox())!
	await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2)
	await expect.poll(adds.count).toBe(1)
	await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2)
	await expect(page.getByRole('status')).toHaveText('Task added.')
	expect(adds.count()).toBe(2)
	await page.unrouteAll({ behavior: 'ignoreErrors' })
	// A new key for the next task.
	await expect(page.locator('input[type="hidden"][name="idempotencyKey"]')).not.toHaveAttribute('value', key!)
	await expectOneTask(page, 'Clicked twice')
})
