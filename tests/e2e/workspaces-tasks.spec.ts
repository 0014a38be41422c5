/**
 * Issue 21, tasks in a workspace, in a real browser with and without
 * JavaScript against both real services: what each role is shown, what the
 * task API refuses when a page shows more than the role now allows (a
 * downgrade or a removal while the page is open), "Created by",
 * "Assigned to" and "Assigned to me".
 */
import { expect, test } from './support.ts'
import { addTask, bringIn, changeRole, createWorkspace } from './workspace-steps.ts'

test('a member adds, assigns and filters; deletes only their own tasks', async ({
	page,
	browser,
	javaScriptEnabled,
	signUpDirectly,
	user: owner,
}) => {
	const workspace = await createWorkspace(page, 'Crew')
	const member = await bringIn(page, browser, signUpDirectly, workspace, 'member', 'Max Member', javaScriptEnabled)

	await page.goto(`/w/${workspace.slug}/tasks`)
	await addTask(page, 'Owner’s task')
	const theirs = member.page
	await theirs.goto(`/w/${workspace.slug}/tasks`)
	await expect(theirs.getByRole('heading', { level: 1 })).toHaveText(`Tasks in ${workspace.name}`)
	// Assigned to the owner, from "More options".
	await theirs.getByLabel('Title').fill('Member’s task')
	await theirs.getByText('More options').click()
	await theirs.getByLabel('Assigned to').selectOption({ label: owner.name })
	await theirs.getByRole('button', { name: 'Add task' }).click()
	const mine = theirs.getByRole('listitem').filter({ hasText: 'Member’s task' })
	await expect(mine).toContainText(`Added by ${member.user.name} · Assigned to ${owner.name}`)
	const ownersTask = theirs.getByRole('listitem').filter({ hasText: 'Owner’s task' })
	await expect(ownersTask).toContainText(`Added by ${owner.name}`)
	// A member completes anyone's task, but deletes only their own.
	await expect(mine.getByRole('button', { name: 'Delete: Member’s task' })).toBeVisible()
	await expect(ownersTask.getByRole('button', { name: /^Delete/ })).toHaveCount(0)
	await ownersTask.getByRole('button', { name: 'Mark done: Owner’s task' }).click()
	await expect(
		theirs.getByRole('listitem').filter({ hasText: 'Owner’s task' }).getByRole('button', { name: 'Mark not done: Owner’s task' }),
	).toBeVisible()

	// "Assigned to me" for the owner shows the member's task only.
	await page.goto(`/w/${workspace.slug}/tasks`)
	await page.getByRole('link', { name: 'Assigned to me' }).click()
	await expect(page).toHaveURL(`/w/${workspace.slug}/tasks?assignee=me`)
	await expect(page.getByRole('link', { name: 'Member’s task', exact: true })).toBeVisible()
	await expect(page.getByRole('link', { name: 'Owner’s task', exact: true })).toHaveCount(0)
	// The personal list is untouched.
	await page.goto('/tasks')
	await expect(page.getByText('You have no tasks yet.', { exact: false })).toBeVisible()
	await member.context.close()
})

test('a viewer is shown no controls; a page opened before a downgrade is refused in words, the input kept', async ({
	page,
	browser,
	javaScriptEnabled,
	signUpDirectly,
	user: _owner,
}) => {
	const workspace = await createWorkspace(page, 'Board')
	await addTask(page, 'Read me')
	const person = await bringIn(page, browser, signUpDirectly, workspace, 'member', 'Vera Viewer', javaScriptEnabled)
	const theirs = person.page
	// Their page is open as a member, with the add form.
	await theirs.goto(`/w/${workspace.slug}/tasks`)
	await expect(theirs.getByRole('button', { name: 'Add task' })).toBeVisible()

	await changeRole(page, workspace, person.user, 'a Viewer', 'viewer')

	// The next add from the open page: refused by the task API, in words, nothing added, the title kept.
	await theirs.getByLabel('Title').fill('Sneaky add')
	await theirs.getByRole('button', { name: 'Add task' }).click()
	await expect(theirs.getByText("Viewers can't change tasks in this workspace.")).toBeVisible()
	await expect(theirs.getByLabel('Title')).toHaveValue('Sneaky add')
	await page.goto(`/w/${workspace.slug}/tasks`)
	await expect(page.getByRole('link', { name: 'Sneaky add', exact: true })).toHaveCount(0)

	// Reloaded, a viewer's list has no add form, no toggles, no deletes, and says why.
	await theirs.goto(`/w/${workspace.slug}/tasks`)
	await expect(theirs.getByRole('link', { name: 'Read me', exact: true })).toBeVisible()
	await expect(theirs.getByRole('button', { name: 'Add task' })).toHaveCount(0)
	await expect(theirs.getByRole('button', { name: /^Mark done/ })).toHaveCount(0)
	await expect(theirs.getByRole('button', { name: /^Delete/ })).toHaveCount(0)
	await expect(theirs.getByText('As a viewer you can read this workspace’s tasks but not change them.')).toBeVisible()
	// The task's page is read-only too.
	await theirs.getByRole('link', { name: 'Read me', exact: true }).click()
	await expect(theirs.getByRole('heading', { level: 1 })).toHaveText('Read me')
	await expect(theirs.getByRole('button', { name: 'Save' })).toHaveCount(0)
	await person.context.close()
})

test('a member removed while their page is open: their next action is refused with a message', async ({
	page,
	browser,
	javaScriptEnabled,
	signUpDirectly,
	user: _owner,
}) => {
	const workspace = await createWorkspace(page, 'Club')
	await addTask(page, 'Shared chore')
	const person = await bringIn(page, browser, signUpDirectly, workspace, 'member', 'Rex Removed', javaScriptEnabled)
	const theirs = person.page
	await theirs.goto(`/w/${workspace.slug}/tasks`)
	const toggle = theirs.getByRole('button', { name: 'Mark done: Shared chore' })
	await expect(toggle).toBeVisible()

	await page.goto(`/w/${workspace.slug}/members`)
	await page.getByRole('listitem').filter({ hasText: person.user.email }).getByRole('button', { name: 'Remove member' }).click()
	await expect(page.getByRole('status').filter({ hasText: person.user.name })).toBeVisible()

	await toggle.click()
	await expect(theirs.getByText("This workspace doesn't exist, or you're not a member of it.")).toBeVisible()
	// Nothing changed, and the workspace is gone from their pages.
	await page.goto(`/w/${workspace.slug}/tasks`)
	await expect(page.getByRole('button', { name: 'Mark done: Shared chore' })).toBeVisible()
	expect((await theirs.goto(`/w/${workspace.slug}/tasks`))?.status()).toBe(404)
	await person.context.close()
})
