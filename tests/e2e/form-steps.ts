/**
 * A user's steps on the app's forms, for the specs: fill in the fields a
 * form labels and press its button; see a field marked invalid with its
 * message. `form` is the page, or the region or form that holds the fields
 * when a page has several forms.
 */
import { expect, type Locator, type Page } from '@playwright/test'

/**
 * Fills the fields of `form` (label: value, in this order; `true` ticks a
 * checkbox) and presses its button `submit`.
 */
export async function submitForm(form: Page | Locator, fields: Record<string, string | true>, submit: string) {
	for (const [label, value] of Object.entries(fields)) {
		if (value === true) await form.getByLabel(label).check()
		else await form.getByLabel(label).fill(value)
	}
	await form.getByRole('button', { name: submit }).click()
}

/** The field `label` of `form` is marked invalid, and `message` is shown. */
export async function expectFieldError(form: Page | Locator, label: string, message: string) {
	await expect(form.getByLabel(label)).toHaveAttribute('aria-invalid', 'true')
	await expect(form.getByText(message)).toBeVisible()
}
