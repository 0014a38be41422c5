/**
 * Steps for the workspace specs: an owner's workspace, and a second person
 * in it with a role, brought in the way a user would be (an invitation
 * from the members page, the link from the outbox, the address confirmed
 * from the invitation page, "Accept invitation").
 */
import type { Browser, BrowserContext, Page } from '@playwright/test'
import { submitForm } from './form-steps.ts'
import { expect, linkFromOutbox, newUser, type SignUpDirectly, type TestUser } from './support.ts'
import type { WorkspaceRole } from '#common/workspace-roles.ts'

export type Workspace = { name: string; slug: string }

/** "Create workspace" as the user of `page`; the page then shows its tasks. */
export async function createWorkspace(page: Page, label = 'Team'): Promise<Workspace> {
	const stamp = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`
	const workspace = { name: `${label} ${stamp}`, slug: `${label.toLowerCase()}-${stamp}` }
	await page.goto('/workspaces/new')
	await submitForm(page, { Name: workspace.name, 'URL slug': workspace.slug }, 'Create workspace')
	await expect(page).toHaveURL(`/w/${workspace.slug}/tasks`)
	// The header's switcher knows it at once (its short cache is dropped by the creating POST).
	await expect(page.locator('.workspace-switcher summary')).toHaveText(`Workspace: ${workspace.name}`)
	return workspace
}

export type Person = { user: TestUser; context: BrowserContext; page: Page }

/** Invites a new account as `role` from `owner`'s page; it signs up, confirms its address, accepts. */
export async function bringIn(
	owner: Page,
	browser: Browser,
	signUpDirectly: SignUpDirectly,
	workspace: Workspace,
	role: WorkspaceRole,
	name: string,
	javaScriptEnabled: boolean,
): Promise<Person> {
	const user = newUser(name)
	await owner.goto(`/w/${workspace.slug}/members`)
	const invite = owner.getByRole('region', { name: 'Invite member' })
	await invite.getByLabel('Email').fill(user.email)
	await invite.getByLabel('Role').selectOption(role)
	await invite.getByRole('button', { name: 'Invite member' }).click()
	await expect(owner.getByRole('status').filter({ hasText: `Invitation sent to ${user.email}.` })).toBeVisible()
	const link = await linkFromOutbox(owner, user.email, /You're invited to/)

	const context = await browser.newContext({ javaScriptEnabled })
	const page = await context.newPage()
	await signUpDirectly(page, user)
	await page.goto(link)
	await page.getByRole('button', { name: 'Send confirmation link' }).click()
	await page.goto(await linkFromOutbox(page, user.email, /Confirm your email for Taskwell/))
	await page.getByRole('button', { name: 'Verify email' }).click()
	await expect(page).toHaveURL(link)
	await page.getByRole('button', { name: 'Accept invitation' }).click()
	await expect(page).toHaveURL(`/w/${workspace.slug}/tasks`)
	return { user, context, page }
}

/** Adds a task from the list page the page shows (its quick add form). */
export async function addTask(page: Page, title: string) {
	await page.getByLabel('Title').fill(title)
	await page.getByRole('button', { name: 'Add task' }).click()
	await expect(page.getByRole('link', { name: title, exact: true })).toBeVisible()
}

/** On the members page of `owner`: `person`'s role becomes `role`. */
export async function changeRole(owner: Page, workspace: Workspace, person: TestUser, label: string, role: WorkspaceRole) {
	await owner.goto(`/w/${workspace.slug}/members`)
	const row = owner.getByRole('listitem').filter({ hasText: person.email })
	await row.getByLabel(`Role of ${person.name}`).selectOption(role)
	await row.getByRole('button', { name: 'Change role' }).click()
	await expect(owner.getByRole('status').filter({ hasText: `${person.name} is now ${label}.` })).toBeVisible()
}
