/**
 * Bad input in the browser, in both projects (issue 13, item 10): user text
 * with bidi controls is refused next to its field. (What the server answers
 * to bad input: bad-input.server.spec.ts.)
 */
import { expect, test, openDetails } from './support.ts'

test.describe(() => {
	test.use({ userName: 'Bidi Tester' })
	test('a title, notes or name with a bidi override is refused next to the field', async ({ page, user }) => {
		const title = page.getByLabel('Title')
		await title.fill('invoice\u202Efdp.exe')
		await page.getByRole('button', { name: 'Add task' }).click()
		await expect(title).toHaveAccessibleDescription("Title can't contain control characters")
		await expect(title).toHaveAttribute('aria-invalid', 'true')
		await expect(page.getByRole('link', { name: /invoice/ })).toHaveCount(0)

		await title.fill('Fine title')
		await openDetails(page, 'More options')
		await page.getByLabel('Notes').fill('hidden \u2066text\u2069')
		await page.getByRole('button', { name: 'Add task' }).click()
		await expect(page.getByText("Notes can't contain control characters")).toBeVisible()
		await expect(page.getByRole('link', { name: 'Fine title' })).toHaveCount(0)

		await page.goto('/settings')
		const name = page.getByRole('region', { name: 'Profile' }).getByLabel('Name')
		await name.fill('Ada\u202E')
		await page.getByRole('button', { name: 'Save name' }).click()
		await expect(name).toHaveAccessibleDescription("Name can't contain control characters")
		await page.goto('/tasks')
		await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Hello, ${user.name}`)
	})
})
