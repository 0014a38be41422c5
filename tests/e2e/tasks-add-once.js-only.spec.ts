/**
 * Adds happen once (issue 9) when the page renders again between two clicks
 * on "Add task": the loader renders a new one-time key on every render, and
 * a revalidation (here the time-zone post that follows the first load)
 * lands while the first add is on its way. The page keeps the key it has
 * until an add is over (app/routes/tasks/+shared/use-add-key.ts). Without
 * JavaScript there is no revalidation: tasks-add-once.spec.ts.
 */
import { answerFirstAddAfterSecond, expect, expectOneTask, holdPost, newUser, test } from './support.ts'

test('a page rendered again between two clicks on "Add task" keeps its one-time key: the task is added once', async ({
	page,
	signUpDirectly,
}) => {
	// The time-zone post of the first load is held, to land during the first add.
	const timeZone = await holdPost(page, '/tasks', 'time-zone')
	await signUpDirectly(page, newUser('Grace Hopper'))
	await timeZone.held
	const adds = await answerFirstAddAfterSecond(page)
	await page.getByLabel('Title').fill('Clicked twice')
	const box = (await page.getByRole('button', { name: 'Add task' }).boundingBox())!
	await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2)
	await expect.poll(adds.count).toBe(1)
	// The time zone is saved and the page's data loaded again (a new key in it) while the add is on its way.
	const revalidated = page.waitForResponse(
		(response) => response.request().method() === 'GET' && new URL(response.url()).pathname === '/tasks.data',
	)
	timeZone.release()
	await revalidated
	// (What the response holds is rendered before the next frame.)
	await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0))))
	// The button again, where it is now (the page above it may have grown), while it says "Adding…".
	const again = (await page.getByRole('button', { name: /^(Add task|Adding…)$/ }).boundingBox())!
	await page.mouse.click(again.x + again.width / 2, again.y + again.height / 2)
	// (The revalidation may already show "Task added.": the first add's notice.)
	await expect.poll(adds.count).toBe(2)
	// Both adds answered: the form is idle and empty again.
	await expect(page.getByRole('button', { name: 'Add task' })).toBeVisible()
	await expect(page.getByLabel('Title')).toHaveValue('')
	await expect(page.getByRole('status')).toHaveText('Task added.')
	await page.unrouteAll({ behavior: 'ignoreErrors' })
	await expectOneTask(page, 'Clicked twice')
})
