/**
 * Issue 21, people: a workspace from creation to deletion, in a real
 * browser (with and without JavaScript) against both real services. The e2e
 * server runs without SMTP_URL, so the invitation and the confirmation mail
 * land in the local outbox and are read from /dev/outbox (delivery over real
 * SMTP: tests/integration/workspaces-people.test.ts).
 *
 * The owner creates a workspace and invites an address; its owner opens the
 * link signed out, creates an account from it, confirms their email from
 * the page and comes back to accept; the owner changes their role,
 * transfers ownership and leaves; the new owner deletes the workspace.
 */
import type { Page } from '@playwright/test'
import { expect, linkFromOutbox, newUser, test, uniqueClientIp } from './support.ts'
import { submitForm } from './form-steps.ts'

async function expectNotice(page: Page, text: string | RegExp) {
	await expect(page.getByRole('status').filter({ hasText: text })).toBeVisible()
}

test('create a workspace, invite someone who signs up from the link, change their role, transfer, leave, delete', async ({
	page,
	browser,
	javaScriptEnabled,
	user: _owner,
}) => {
	const stamp = Date.now().toString(36)
	const name = `Garden Club ${stamp}`
	const slug = `garden-${stamp}`

	// Create.
	await page.goto('/workspaces/new')
	await expect(page.getByRole('heading', { name: 'Create workspace' })).toBeVisible()
	await submitForm(page, { Name: name, 'URL slug': slug }, 'Create workspace')
	await expect(page).toHaveURL(`/w/${slug}/tasks`)

	// A taken slug is a field error, the input kept.
	await page.goto('/workspaces/new')
	await submitForm(page, { Name: 'Another club', 'URL slug': slug }, 'Create workspace')
	await expect(page.getByLabel('URL slug')).toHaveAttribute('aria-invalid', 'true')
	await expect(page.getByText('That URL is taken: choose another.')).toBeVisible()
	await expect(page.getByLabel('Name')).toHaveValue('Another club')

	// Invite.
	const invitee = newUser('Bea Gardener')
	await page.goto(`/w/${slug}/members`)
	const inviteForm = page.getByRole('region', { name: 'Invite member' })
	await inviteForm.getByLabel('Email').fill(invitee.email)
	await inviteForm.getByLabel('Role').selectOption('member')
	await inviteForm.getByRole('button', { name: 'Invite member' }).click()
	await expectNotice(page, `Invitation sent to ${invitee.email}.`)
	const pending = page.getByRole('region', { name: 'Pending invitations' })
	await expect(pending.getByText(invitee.email)).toBeVisible()

	// The invitee opens the link signed out, and creates an account from it.
	const link = await linkFromOutbox(page, invitee.email, /You're invited to Garden Club/)
	expect(link).toMatch(/^\/invitations\/[0-9a-f-]{36}$/)
	const theirs = await browser.newContext({ javaScriptEnabled })
	const bea = await theirs.newPage()
	await theirs.setExtraHTTPHeaders({ 'x-forwarded-for': uniqueClientIp() })
	await bea.goto(link)
	await expect(bea.getByRole('heading', { name: `Join ${name}` })).toBeVisible()
	await expect(bea.getByRole('button', { name: 'Accept invitation' })).toHaveCount(0)
	await bea.getByRole('link', { name: 'Create an account' }).click()
	await expect(bea).toHaveURL(/\/signup\?redirectTo=/)
	await bea.getByLabel('Name').fill(invitee.name)
	await bea.getByLabel('Email').fill(invitee.email)
	await bea.getByLabel('Password', { exact: true }).fill(invitee.password)
	await bea.getByLabel('Confirm password').fill(invitee.password)
	await bea.getByRole('button', { name: 'Create account' }).click()
	// Back on the invitation: the address must be confirmed first.
	await expect(bea).toHaveURL(link)
	await bea.getByRole('button', { name: 'Send confirmation link' }).click()
	await expectNotice(bea, `We sent a confirmation link to ${invitee.email}.`)
	const confirm = await linkFromOutbox(bea, invitee.email, /Confirm your email for Taskwell/)
	await bea.goto(confirm)
	await bea.getByRole('button', { name: 'Verify email' }).click()
	await expect(bea).toHaveURL(link)
	await bea.getByRole('button', { name: 'Accept invitation' }).click()
	await expect(bea).toHaveURL(`/w/${slug}/tasks`)
	await expectNotice(bea, `Welcome to ${name}.`)

	// A member sees no Invite form and no Activity.
	await bea.goto(`/w/${slug}/members`)
	await expect(bea.getByRole('region', { name: 'Invite member' })).toHaveCount(0)
	await expect(bea.getByRole('button', { name: 'Change role' })).toHaveCount(0)

	// The owner makes them an admin.
	await page.goto(`/w/${slug}/members`)
	const row = page.getByRole('listitem').filter({ hasText: invitee.email })
	await row.getByLabel(`Role of ${invitee.name}`).selectOption('admin')
	await row.getByRole('button', { name: 'Change role' }).click()
	await expectNotice(page, `${invitee.name} is now an Admin.`)
	await expect(page.getByRole('listitem').filter({ hasText: invitee.email })).toContainText('Admin')

	// The last owner cannot leave.
	await page.getByRole('button', { name: 'Leave workspace' }).click()
	await expect(page.getByText('A workspace always has at least one owner: make someone else an owner first.')).toBeVisible()

	// Transfer ownership, then leave.
	const workspaceSection = page.getByRole('region', { name: 'Workspace' })
	await workspaceSection.getByLabel('New owner').selectOption({ label: `${invitee.name} (${invitee.email})` })
	await workspaceSection.getByRole('button', { name: 'Transfer ownership' }).click()
	await expectNotice(page, `${invitee.name} is now an owner of the workspace.`)
	await page.getByRole('button', { name: 'Leave workspace' }).click()
	await expect(page).toHaveURL('/tasks')
	await expectNotice(page, `You left ${name}.`)
	expect((await page.goto(`/w/${slug}/tasks`))?.status()).toBe(404)

	// The new owner sees the activity, then deletes the workspace.
	await bea.goto(`/w/${slug}/activity`)
	await expect(bea.getByText(/Ownership transferred/)).toBeVisible()
	await expect(bea.getByText(/Invitation accepted/)).toBeVisible()
	await bea.goto(`/w/${slug}/members`)
	const danger = bea.getByRole('region', { name: 'Workspace' })
	await submitForm(danger, { [`Type “${name}” to confirm`]: 'not it' }, 'Delete workspace')
	await expect(danger.getByText(`Type the workspace's name, ${name}, to confirm.`)).toBeVisible()
	await submitForm(bea.getByRole('region', { name: 'Workspace' }), { [`Type “${name}” to confirm`]: name }, 'Delete workspace')
	await expect(bea).toHaveURL('/tasks')
	await expectNotice(bea, `Workspace ${name} deleted.`)
	expect((await bea.goto(`/w/${slug}/members`))?.status()).toBe(404)
	await theirs.close()
})

test('an invitation link for someone else, and one no longer valid', async ({ page, browser, javaScriptEnabled, user }) => {
	const stamp = Date.now().toString(36)
	const slug = `other-${stamp}`
	await page.goto('/workspaces/new')
	await submitForm(page, { Name: `Other ${stamp}`, 'URL slug': slug }, 'Create workspace')
	await expect(page).toHaveURL(`/w/${slug}/tasks`)
	const invited = newUser('Ivy Invited')
	await page.goto(`/w/${slug}/members`)
	await submitForm(page.getByRole('region', { name: 'Invite member' }), { Email: invited.email }, 'Invite member')
	const link = await linkFromOutbox(page, invited.email, /You're invited to Other/)

	// The owner's own account is not the invited one: told whom it is for, no buttons.
	await page.goto(link)
	await expect(page.getByText(`This invitation is for ${invited.email}, and you are signed in as ${user.email}.`)).toBeVisible()
	await expect(page.getByRole('button', { name: 'Accept invitation' })).toHaveCount(0)

	// Revoked: the link is dead (404).
	await page.goto(`/w/${slug}/members`)
	await page.getByRole('listitem').filter({ hasText: invited.email }).getByRole('button', { name: 'Revoke invitation' }).click()
	await expectNotice(page, `The invitation to ${invited.email} was revoked.`)
	const context = await browser.newContext({ javaScriptEnabled })
	const stranger = await context.newPage()
	const response = await stranger.goto(link)
	expect(response?.status()).toBe(404)
	await expect(stranger.getByText('This invitation is no longer valid.')).toBeVisible()
	await context.close()
})
