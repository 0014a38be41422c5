/**
 * The forms kit, in both projects: each input carries the constraints of the
 * schema its action validates with (getFormConstraint), and a hint is read
 * with its field.
 */
import { expect, test } from './support.ts'

test('sign-up fields carry the schema’s lengths, and the password hint describes its field', async ({ page }) => {
	await page.goto('/signup')
	await expect(page.getByLabel('Name')).toHaveAttribute('maxlength', '100')
	await expect(page.getByLabel('Email')).toHaveAttribute('maxlength', '254')
	const password = page.getByLabel('Password', { exact: true })
	await expect(password).toHaveAttribute('maxlength', '128')
	await expect(password).toHaveAttribute('minlength', '8')
	await expect(password).toHaveAttribute('autocomplete', 'new-password')
	await expect(password).toHaveAccessibleDescription('At least 8 characters.')
	await expect(page.getByLabel('Confirm password')).toHaveAttribute('maxlength', '128')
})

test('sign-in fields carry the schema’s lengths', async ({ page }) => {
	await page.goto('/login')
	await expect(page.getByLabel('Email')).toHaveAttribute('maxlength', '254')
	await expect(page.getByLabel('Password', { exact: true })).toHaveAttribute('maxlength', '1024')
})
