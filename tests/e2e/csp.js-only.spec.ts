/**
 * With JavaScript on, the whole app runs under its enforced CSP without a
 * single violation. Only the js project runs this file (playwright.config.ts):
 * without scripts there is nothing for the policy to block.
 */
import type { Page } from '@playwright/test'
import { expect, newUser, test } from './support.ts'

async function recordCspViolations(page: Page) {
	const violations: string[] = []
	page.on('console', (message) => {
		if (/Content Security Policy/i.test(message.text())) violations.push(message.text())
	})
	await page.addInitScript(() => {
		document.addEventListener('securitypolicyviolation', (event) => {
			console.error(`Content Security Policy violation: ${event.violatedDirective} ${event.blockedURI}`)
		})
	})
	return violations
}

test('the app runs with JavaScript under its CSP without a single violation', async ({ page, signUpDirectly }) => {
	const violations = await recordCspViolations(page)
	await page.goto('/')
	await page.getByRole('main').getByRole('link', { name: 'Sign up' }).click()
	await expect(page).toHaveURL(/\/signup$/)
	// Hydrated: client-side validation works.
	const user = newUser('Csp Walker')
	await signUpDirectly(page, user)
	await page.getByRole('link', { name: 'Settings' }).click()
	await expect(page).toHaveURL(/\/settings$/)
	await page.getByRole('region', { name: 'Profile' }).getByLabel('Name').fill('Csp Walker Renamed')
	await page.getByRole('button', { name: 'Save name' }).click()
	await expect(page.getByText('Your name has been saved.')).toBeVisible()
	await page.goto('/tasks')
	await page.getByRole('button', { name: 'Sign out' }).click()
	await expect(page).toHaveURL(/\/$/)
	await page.goto('/forgot-password')
	await page.goto('/login')
	expect(violations).toEqual([])
})
