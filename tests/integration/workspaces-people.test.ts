/**
 * Issue 21, people and the workspace itself, through the real route
 * actions and loaders, the real Better Auth, the real task API (on this
 * file's database, verifying the app's own tokens) and mail over real SMTP:
 * create, invite → accept (the verified email must be the invited one),
 * decline, revoke, limits, throttles, and the ordering of the two stores (a
 * change the task API refuses leaves Better Auth as it was).
 */
import { and, eq } from 'drizzle-orm'
import { describe, expect, test } from 'vitest'
import { freshEmail, freshIp, PASSWORD, signUp as signUpAccount } from '#tests/support/accounts.ts'
import { CookieJar } from '#tests/support/cookie-jar.ts'
import { linkIn, startSmtpServer } from '#tests/support/smtp.ts'
import { startTasksApiForApp } from '#tests/support/tasks-api.ts'
import { setEnvForThisFile } from '#tests/support/test-env.ts'

const smtp = await startSmtpServer()
// Small limits, so that reaching them takes a few requests (both services are given the same).
await startTasksApiForApp({ workspaceLimits: { maxTasks: 1000, maxMembers: 4, perAccount: 3 } })
setEnvForThisFile({ SMTP_URL: smtp.url, WORKSPACES_PER_ACCOUNT: '3', WORKSPACE_MAX_MEMBERS: '4' })

const app = await import('#tests/support/app.ts')
const { formPost, get, runRoute, db, flushMail } = app
const { authEvent, invitation, member, organization } = app.tables
const newRoute = await import('#app/routes/workspaces/new.tsx')
const membersRoute = await import('#app/routes/workspaces/members.tsx')
const activityRoute = await import('#app/routes/workspaces/activity.tsx')
const invitationRoute = await import('#app/routes/invitations/$id.tsx')
const verifyRoute = await import('#app/routes/auth/verify-email.tsx')
const { settingsRoute } = app
const { LAST_OWNER_REFUSAL, memberRefusal } = await import('#common/workspace-roles.ts')
const { THROTTLE_RULES } = await import('#app/lib/throttle-rules.server.ts')
const { clear } = await import('#app/lib/throttle.server.ts')

type Person = { jar: CookieJar; email: string; userId: string; name: string }

async function person(name: string, email = freshEmail(name.toLowerCase())): Promise<Person> {
	const jar = new CookieJar()
	const { userId } = await signUpAccount({ jar, email, name, ip: freshIp() })
	return { jar, email, userId, name }
}

async function post(who: Person, handler: unknown, path: string, fields: Record<string, string>, params: Record<string, string> = {}) {
	const result = await runRoute(handler as never, formPost(path, fields, { cookie: who.jar.header }), { params, ip: freshIp() })
	who.jar.take(result.response)
	return result
}

/** Confirms the person's address the way they would: a link by mail, then its POST. */
async function confirmEmail(who: Person) {
	const since = smtp.received.length
	await runRoute(verifyRoute.action as never, formPost('/verify-email', { email: who.email }), { ip: freshIp() })
	const link = new URL(linkIn(await smtp.waitFor(who.email, { since }), '/verify-email?token='))
	const { response } = await post(who, verifyRoute.action, '/verify-email', { intent: 'verify', token: link.searchParams.get('token')! })
	expect(response.status).toBe(302)
}

let slugs = 0
async function createWorkspace(owner: Person, name = `Team ${++slugs}`) {
	const slug = `team-${slugs}-${Date.now().toString(36)}`
	const { response } = await post(owner, newRoute.action, '/workspaces/new', { intent: 'create', name, slug })
	expect(response.status).toBe(302)
	expect(response.headers.get('location')).toBe(`/w/${slug}/tasks`)
	const [row] = await db.select().from(organization).where(eq(organization.slug, slug))
	return { id: row!.id, slug, name }
}

type Workspace = Awaited<ReturnType<typeof createWorkspace>>

const onMembers = (who: Person, workspace: Workspace, fields: Record<string, string>) =>
	post(who, membersRoute.action, `/w/${workspace.slug}/members`, fields, { slug: workspace.slug })

async function invite(inviter: Person, workspace: Workspace, email: string, role = 'member') {
	const since = smtp.received.length
	const result = await onMembers(inviter, workspace, { intent: 'invite', email, role })
	return { ...result, since }
}

async function invitationIdFromMail(email: string, since: number) {
	const mail = await smtp.waitFor(email, { since })
	expect(mail.raw).toMatch(/Subject: You're invited to .* on Taskwell/)
	return new URL(linkIn(mail, '/invitations/')).pathname.split('/').at(-1)!
}

const openInvitation = (id: string, who?: Person) =>
	runRoute(invitationRoute.loader as never, get(`/invitations/${id}`, { cookie: who?.jar.header }), { params: { id } })
const answerInvitation = (who: Person, id: string, intent: 'accept' | 'decline') =>
	post(who, invitationRoute.action, `/invitations/${id}`, { intent }, { id })

async function roleOf(workspace: Workspace, userId: string) {
	const [row] = await db
		.select({ role: member.role })
		.from(member)
		.where(and(eq(member.organizationId, workspace.id), eq(member.userId, userId)))
	return row?.role ?? null
}

async function pendingInvitationsOf(workspace: Workspace) {
	return db
		.select()
		.from(invitation)
		.where(and(eq(invitation.organizationId, workspace.id), eq(invitation.status, 'pending')))
}

/** A member of `workspace` with `role`, through a real invitation and acceptance. */
async function joined(owner: Person, workspace: Workspace, name: string, role = 'member') {
	const who = await person(name)
	await confirmEmail(who)
	const { since } = await invite(owner, workspace, who.email, role)
	const id = await invitationIdFromMail(who.email, since)
	const { response } = await answerInvitation(who, id, 'accept')
	expect(response.status).toBe(302)
	return who
}

const formError = (data: { result?: { error?: Record<string, string[]> } } | undefined, field = '') => data?.result?.error?.[field]

describe('creating a workspace', () => {
	test('name and slug; a taken slug is a field error; the account limit is said plainly', async () => {
		const owner = await person('Olive')
		const workspace = await createWorkspace(owner, 'Design Team')
		expect(await roleOf(workspace, owner.userId)).toBe('owner')
		const taken = await post(owner, newRoute.action, '/workspaces/new', { intent: 'create', name: 'Another', slug: workspace.slug })
		expect(taken.response.status).toBe(409)
		expect(formError(taken.data, 'slug')).toEqual(['That URL is taken: choose another.'])
		expect(taken.data.result.initialValue).toMatchObject({ name: 'Another', slug: workspace.slug })
		// The slug is made from the name when left empty.
		const derived = await post(owner, newRoute.action, '/workspaces/new', {
			intent: 'create',
			name: `Ünïcode Café ${Date.now()}`,
			slug: '',
		})
		expect(derived.response.headers.get('location')).toMatch(/^\/w\/unicode-cafe-\d+\/tasks$/)
		await createWorkspace(owner)
		const over = await post(owner, newRoute.action, '/workspaces/new', { intent: 'create', name: 'Fourth', slug: `fourth-${Date.now()}` })
		expect(over.response.status).toBe(403)
		expect(formError(over.data)?.[0]).toMatch(/at most 3 workspaces/)
	})
})

describe('invitations', () => {
	test('invite → mail over SMTP → accept by the verified invited address; single use', async () => {
		const owner = await person('Owen')
		const workspace = await createWorkspace(owner)
		const bea = await person('Bea')
		const { response, since } = await invite(owner, workspace, bea.email, 'admin')
		expect(response.status).toBe(302)
		const id = await invitationIdFromMail(bea.email, since)
		expect(id).toBe((await pendingInvitationsOf(workspace))[0]!.id)

		// Signed out: which workspace, sign-in and sign-up links that come back here.
		const signedOut = await openInvitation(id)
		expect(signedOut.data).toMatchObject({ gone: false, signedIn: null, invitation: { workspaceName: workspace.name, role: 'Admin' } })

		// Another account: told whom it is for, refused if it posts anyway; nothing changes.
		const other = await person('Other')
		await confirmEmail(other)
		expect((await openInvitation(id, other)).data).toMatchObject({ recipient: 'wrong-account' })
		const wrong = await answerInvitation(other, id, 'accept')
		expect(wrong.response.status).toBe(403)
		expect(wrong.data.error).toBe(`This invitation is for ${bea.email}.`)
		expect(await roleOf(workspace, other.userId)).toBeNull()

		// The invited address, not yet confirmed: refused too.
		expect((await openInvitation(id, bea)).data).toMatchObject({ recipient: 'unverified' })
		expect((await answerInvitation(bea, id, 'accept')).response.status).toBe(403)
		expect(await roleOf(workspace, bea.userId)).toBeNull()

		// A mail scanner's GET changes nothing; then the confirmed address accepts.
		await confirmEmail(bea)
		expect((await openInvitation(id, bea)).data).toMatchObject({ recipient: 'ok' })
		const accepted = await answerInvitation(bea, id, 'accept')
		expect(accepted.response.status).toBe(302)
		expect(accepted.response.headers.get('location')).toBe(`/w/${workspace.slug}/tasks`)
		expect(await roleOf(workspace, bea.userId)).toBe('admin')

		// Single use.
		expect((await openInvitation(id, bea)).response.status).toBe(404)
		expect((await answerInvitation(bea, id, 'accept')).data.error).toBe('This invitation is no longer valid.')

		// Both accounts' activity, and the workspace's.
		const types = async (userId: string) => (await db.select().from(authEvent).where(eq(authEvent.userId, userId))).map((e) => e.type)
		expect(await types(owner.userId)).toEqual(
			expect.arrayContaining(['workspace-created', 'workspace-invitation-sent', 'workspace-invitation-accepted']),
		)
		expect(await types(bea.userId)).toContain('workspace-invitation-accepted')
		// Someone else's action in an account's log carries no IP address or device of theirs.
		const [seenByOwner] = await db
			.select()
			.from(authEvent)
			.where(and(eq(authEvent.userId, owner.userId), eq(authEvent.type, 'workspace-invitation-accepted')))
		expect(seenByOwner).toMatchObject({ actorId: bea.userId, workspaceName: workspace.name, ipAddress: null, device: null })
		const activity = await runRoute(activityRoute.loader as never, get(`/w/${workspace.slug}/activity`, { cookie: owner.jar.header }), {
			params: { slug: workspace.slug },
		})
		expect(activity.data.events.map((e: { type: string }) => e.type).slice(0, 3)).toEqual([
			'workspace-invitation-accepted',
			'workspace-invitation-sent',
			'workspace-created',
		])
		// Members see no Activity page.
		const milo = await joined(owner, workspace, 'Milo')
		const refused = runRoute(activityRoute.loader as never, get(`/w/${workspace.slug}/activity`, { cookie: milo.jar.header }), {
			params: { slug: workspace.slug },
		})
		await expect(refused).rejects.toMatchObject({ init: { status: 404 } })
		await flushMail()
	})

	test('decline: Better Auth rejects it, the page is gone, nobody joins', async () => {
		const owner = await person('Dora')
		const workspace = await createWorkspace(owner)
		const cal = await person('Cal')
		await confirmEmail(cal)
		const { since } = await invite(owner, workspace, cal.email)
		const id = await invitationIdFromMail(cal.email, since)
		const declined = await answerInvitation(cal, id, 'decline')
		expect(declined.response.status).toBe(302)
		expect(declined.response.headers.get('location')).toBe('/tasks')
		expect(await roleOf(workspace, cal.userId)).toBeNull()
		const [row] = await db.select().from(invitation).where(eq(invitation.id, id))
		expect(row!.status).toBe('rejected')
		expect((await openInvitation(id, cal)).response.status).toBe(404)
	})

	test('revoke: the task API first, then Better Auth; the link is dead', async () => {
		const owner = await person('Rita')
		const workspace = await createWorkspace(owner)
		const dan = await person('Dan')
		await confirmEmail(dan)
		const { since } = await invite(owner, workspace, dan.email)
		const id = await invitationIdFromMail(dan.email, since)
		const revoked = await onMembers(owner, workspace, { intent: 'revoke-invitation', invitationId: id })
		expect(revoked.response.status).toBe(302)
		expect(await pendingInvitationsOf(workspace)).toEqual([])
		expect((await openInvitation(id, dan)).response.status).toBe(404)
		expect((await answerInvitation(dan, id, 'accept')).response.status).toBe(404)
		expect(await roleOf(workspace, dan.userId)).toBeNull()
	})

	test('the member limit (pending invitations included): refused with its message, no invitation left behind', async () => {
		const owner = await person('Lim')
		const workspace = await createWorkspace(owner)
		for (const name of ['A', 'B', 'C']) expect((await invite(owner, workspace, freshEmail(name))).response.status).toBe(302)
		const since = smtp.received.length
		const over = freshEmail('over')
		const refused = await invite(owner, workspace, over)
		expect(refused.response.status).toBe(422)
		expect(formError(refused.data)?.[0]).toMatch(/limit of 4 people/)
		expect(refused.data.result.initialValue).toMatchObject({ email: over })
		expect((await pendingInvitationsOf(workspace)).map((row) => row.email)).not.toContain(over)
		await flushMail()
		expect(smtp.received.slice(since).some((mail) => mail.to.includes(over))).toBe(false)
	})

	test('throttled per inviter: the 21st invitation in an hour is refused with the wait', async () => {
		const owner = await person('Thea')
		const workspaces = [await createWorkspace(owner), await createWorkspace(owner)]
		try {
			for (let i = 0; i < 20; i++) {
				const workspace = workspaces[i % 2]!
				// Each invitation replaces no other; revoke to stay under the member limit.
				const email = freshEmail(`t${i}`)
				expect((await invite(owner, workspace, email)).response.status).toBe(302)
				const [pending] = await pendingInvitationsOf(workspace)
				await onMembers(owner, workspace, { intent: 'revoke-invitation', invitationId: pending!.id })
			}
			const throttled = await invite(owner, workspaces[0]!, freshEmail('t21'))
			expect(throttled.response.status).toBe(429)
			expect(throttled.response.headers.get('retry-after')).toMatch(/^\d+$/)
			expect(formError(throttled.data)?.[0]).toMatch(/^Too many attempts\. Try again in/)
			expect(await pendingInvitationsOf(workspaces[0]!)).toEqual([])
		} finally {
			await clear(THROTTLE_RULES.invitationsPerInviter, owner.userId)
		}
	})
})

describe('roles and members: the task API decides, Better Auth follows', () => {
	test('a member’s forged posts are refused by the task API with its message; Better Auth is unchanged', async () => {
		const owner = await person('Ford')
		const workspace = await createWorkspace(owner)
		const mia = await joined(owner, workspace, 'Mia', 'member')
		const viv = await joined(owner, workspace, 'Viv', 'viewer')
		// Taking away (the task API first): remove the owner, downgrade someone.
		const remove = await onMembers(mia, workspace, { intent: 'remove-member', userId: owner.userId })
		expect(remove.response.status).toBe(403)
		expect(formError(remove.data)).toEqual([memberRefusal('member')])
		expect(await roleOf(workspace, owner.userId)).toBe('owner')
		const demote = await onMembers(viv, workspace, { intent: 'change-role', userId: mia.userId, role: 'viewer' })
		expect(demote.response.status).toBe(403)
		expect(await roleOf(workspace, mia.userId)).toBe('member')
		// Giving (Better Auth first, undone when refused): a viewer making someone an admin.
		const upgrade = await onMembers(viv, workspace, { intent: 'change-role', userId: mia.userId, role: 'admin' })
		expect(upgrade.response.status).toBe(403)
		expect(await roleOf(workspace, mia.userId)).toBe('member')
		// Inviting, deleting the workspace.
		expect((await invite(viv, workspace, freshEmail('x'))).response.status).toBe(403)
		expect(await pendingInvitationsOf(workspace)).toEqual([])
		const del = await onMembers(mia, workspace, { intent: 'delete-workspace', confirmName: workspace.name })
		expect(del.response.status).toBe(403)
		expect(await db.select().from(organization).where(eq(organization.id, workspace.id))).toHaveLength(1)
	})

	test('Better Auth first when giving access: what the task API then refuses is undone, and no mail goes out', async () => {
		const owner = await person('Gil')
		const workspace = await createWorkspace(owner)
		const kim = await joined(owner, workspace, 'Kim', 'member')
		const lou = await joined(owner, workspace, 'Lou', 'viewer')
		// Better Auth out of step (it says admin; the task API, the authority, says member).
		await db
			.update(member)
			.set({ role: 'admin' })
			.where(and(eq(member.organizationId, workspace.id), eq(member.userId, kim.userId)))
		const upgrade = await onMembers(kim, workspace, { intent: 'change-role', userId: lou.userId, role: 'member' })
		expect(upgrade.response.status).toBe(403)
		expect(formError(upgrade.data)).toEqual([memberRefusal('member')])
		expect(await roleOf(workspace, lou.userId)).toBe('viewer')
		const email = freshEmail('never')
		const invited = await invite(kim, workspace, email)
		expect(invited.response.status).toBe(403)
		expect(formError(invited.data)).toEqual([memberRefusal('member')])
		expect(invited.data.result.initialValue).toMatchObject({ email })
		expect(await pendingInvitationsOf(workspace)).toEqual([])
		const [cancelled] = await db.select().from(invitation).where(eq(invitation.email, email))
		expect(cancelled!.status).toBe('canceled')
		await flushMail()
		expect(smtp.countTo(email)).toBe(0)
	})

	test('change a role, transfer ownership, leave; the last owner cannot leave or step down', async () => {
		const owner = await person('Tess')
		const workspace = await createWorkspace(owner)
		const ned = await joined(owner, workspace, 'Ned', 'viewer')

		const up = await onMembers(owner, workspace, { intent: 'change-role', userId: ned.userId, role: 'admin' })
		expect(up.response.status).toBe(302)
		expect(await roleOf(workspace, ned.userId)).toBe('admin')
		const down = await onMembers(owner, workspace, { intent: 'change-role', userId: ned.userId, role: 'member' })
		expect(down.response.status).toBe(302)
		expect(await roleOf(workspace, ned.userId)).toBe('member')

		const leave = await onMembers(owner, workspace, { intent: 'leave' })
		expect(leave.response.status).toBe(409)
		expect(formError(leave.data)).toEqual([LAST_OWNER_REFUSAL])
		expect(await roleOf(workspace, owner.userId)).toBe('owner')
		const stepDown = await onMembers(owner, workspace, { intent: 'change-role', userId: owner.userId, role: 'admin' })
		expect(stepDown.response.status).toBe(409)
		expect(await roleOf(workspace, owner.userId)).toBe('owner')

		const transfer = await onMembers(owner, workspace, { intent: 'transfer', userId: ned.userId })
		expect(transfer.response.status).toBe(302)
		expect(await roleOf(workspace, ned.userId)).toBe('owner')
		expect(await roleOf(workspace, owner.userId)).not.toBe('owner')

		const left = await onMembers(owner, workspace, { intent: 'leave' })
		expect(left.response.status).toBe(302)
		expect(left.response.headers.get('location')).toBe('/tasks')
		expect(await roleOf(workspace, owner.userId)).toBeNull()

		const renamed = await onMembers(ned, workspace, { intent: 'rename', name: 'Renamed team' })
		expect(renamed.response.status).toBe(302)
		const wrongName = await onMembers(ned, workspace, { intent: 'delete-workspace', confirmName: 'nope' })
		expect(wrongName.response.status).toBe(400)
		expect(formError(wrongName.data, 'confirmName')?.[0]).toMatch(/Type the workspace's name/)
		const deleted = await onMembers(ned, workspace, { intent: 'delete-workspace', confirmName: 'Renamed team' })
		expect(deleted.response.status).toBe(302)
		expect(await db.select().from(organization).where(eq(organization.id, workspace.id))).toHaveLength(0)
	})

	test('deleting an account that is the only owner of a workspace with others: refused, naming it; nothing deleted', async () => {
		const owner = await person('Una')
		const workspace = await createWorkspace(owner, `Only Mine ${Date.now()}`)
		await joined(owner, workspace, 'Sam')
		const refused = await post(owner, settingsRoute.action, '/settings', { intent: 'delete-account', password: PASSWORD })
		expect(refused.response.status).toBe(409)
		expect(formError(refused.data)).toEqual([
			`You are the only owner of ${workspace.name}: transfer ownership or delete these workspaces first.`,
		])
		expect(await roleOf(workspace, owner.userId)).toBe('owner')
	})
})
