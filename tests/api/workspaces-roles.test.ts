/**
 * Who may do what in a workspace, over real HTTP on a real database: every
 * role (and a non-member) against every action, answered as
 * common/workspace-roles.ts says — 403 for a member whose role refuses, 404
 * for anyone outside (the workspace and its tasks do not exist for them).
 */
import { describe, expect, test } from 'vitest'
import { taskRefusal, memberRefusal, type WorkspaceRole } from '#common/workspace-roles.ts'
import { call, startApiWithKey } from './test-support.ts'
import { workspaceHelpers, type User } from './workspace-support.ts'

const { api, key } = await startApiWithKey()
const { newUser, inAnHour, workspaceWith, tasksPath, createTask } = workspaceHelpers(api, key)

type Actor = WorkspaceRole | 'outsider'
type Action =
	'list' | 'read' | 'create' | 'update' | 'complete' | 'delete own' | "delete other's" | 'assign' | 'invite' | 'change role' | 'remove'

/** A workspace with an actor of the given role, another member who made a task, and a viewer to change or remove. */
async function scene(actorRole: Actor) {
	const space = await workspaceWith({ other: 'member', target: 'viewer', ...(actorRole === 'outsider' ? {} : { actor: actorRole }) })
	const actor: User = 'actor' in space ? (space.actor as User) : await newUser()
	const othersTask = await createTask(space.id, space.other, { title: 'Someone else’s' })
	// A viewer (or an outsider) cannot create one: their "own" task is the owner's, as close as they get.
	const canCreate = actorRole !== 'viewer' && actorRole !== 'outsider'
	const ownTask = canCreate ? await createTask(space.id, actor, { title: 'Mine' }) : othersTask
	return { ...space, actor, othersTask, ownTask }
}

type Scene = Awaited<ReturnType<typeof scene>>
const act: Record<Action, (s: Scene) => Promise<Response>> = {
	list: (s) => call(api, 'GET', tasksPath(s.id), { token: s.actor.token }),
	read: (s) => call(api, 'GET', tasksPath(s.id, `/${s.othersTask.id}`), { token: s.actor.token }),
	create: (s) => call(api, 'POST', tasksPath(s.id), { token: s.actor.token, body: { title: 'New' } }),
	update: (s) => call(api, 'PATCH', tasksPath(s.id, `/${s.othersTask.id}`), { token: s.actor.token, body: { title: 'Edited' } }),
	complete: (s) => call(api, 'PATCH', tasksPath(s.id, `/${s.othersTask.id}`), { token: s.actor.token, body: { completed: true } }),
	'delete own': (s) => call(api, 'DELETE', tasksPath(s.id, `/${s.ownTask.id}`), { token: s.actor.token }),
	"delete other's": (s) => call(api, 'DELETE', tasksPath(s.id, `/${s.othersTask.id}`), { token: s.actor.token }),
	assign: (s) => call(api, 'PATCH', tasksPath(s.id, `/${s.othersTask.id}`), { token: s.actor.token, body: { assigneeId: s.other.sub } }),
	invite: (s) =>
		call(api, 'PUT', `/v1/workspaces/${s.id}/invitations/${crypto.randomUUID()}`, {
			token: s.actor.token,
			body: { email: 'new@example.com', role: 'member', expiresAt: inAnHour() },
		}),
	'change role': (s) =>
		call(api, 'PUT', `/v1/workspaces/${s.id}/members/${s.target.sub}`, { token: s.actor.token, body: { role: 'member' } }),
	remove: (s) => call(api, 'DELETE', `/v1/workspaces/${s.id}/members/${s.target.sub}`, { token: s.actor.token }),
}

// prettier-ignore
const matrix: Array<[Action, owner: number, admin: number, member: number, viewer: number, outsider: number]> = [
	//  action            owner admin member viewer outsider
	['list',              200,  200,  200,   200,   404],
	['read',              200,  200,  200,   200,   404],
	['create',            201,  201,  201,   403,   404],
	['update',            200,  200,  200,   403,   404],
	['complete',          200,  200,  200,   403,   404],
	['delete own',        204,  204,  204,   403,   404],
	["delete other's",    204,  204,  403,   403,   404],
	['assign',            200,  200,  200,   403,   404],
	['invite',            201,  201,  403,   403,   404],
	['change role',       200,  200,  403,   403,   404],
	['remove',            204,  204,  403,   403,   404],
]
const ACTORS: Actor[] = ['owner', 'admin', 'member', 'viewer', 'outsider']
const cases = matrix.flatMap(([action, ...statuses]) => ACTORS.map((actor, index) => ({ action, actor, status: statuses[index]! })))

describe('role × action', () => {
	test.each(cases)('$actor: $action → $status', async ({ action, actor, status }) => {
		const s = await scene(actor)
		const response = await act[action](s)
		expect(response.status, await response.clone().text()).toBe(status)
		if (status === 403) {
			const body = (await response.json()) as { detail: string }
			expect(response.headers.get('content-type')).toBe('application/problem+json')
			const role = actor as WorkspaceRole
			const expected = ['invite', 'change role', 'remove'].includes(action)
				? memberRefusal(role)
				: taskRefusal(role, action.startsWith('delete') ? 'delete' : action === 'create' ? 'create' : 'update')
			expect(body.detail).toBe(expected)
		}
		if (status === 404) {
			expect(((await response.json()) as { detail: string }).detail).toBe('Nothing here.')
		}
	})
})

describe('the rest of the table', () => {
	test('clearing completed tasks: owners and admins; members and viewers 403; the list says the caller’s role', async () => {
		const s = await workspaceWith({ admin: 'admin', member: 'member', viewer: 'viewer' })
		await createTask(s.id, s.member, { title: 'done', completed: true })
		for (const [user, role] of [
			[s.member, 'member'],
			[s.viewer, 'viewer'],
		] as const) {
			const refused = await call(api, 'DELETE', tasksPath(s.id, '?status=completed'), { token: user.token })
			expect(refused.status).toBe(403)
			expect(((await refused.json()) as { detail: string }).detail).toBe(taskRefusal(role, 'clearCompleted'))
		}
		const cleared = await call(api, 'DELETE', tasksPath(s.id, '?status=completed'), { token: s.admin.token })
		expect(await cleared.json()).toMatchObject({ deleted: 1 })
		for (const [user, role] of [
			[s.owner, 'owner'],
			[s.admin, 'admin'],
			[s.member, 'member'],
			[s.viewer, 'viewer'],
		] as const) {
			expect(((await (await call(api, 'GET', tasksPath(s.id), { token: user.token })).json()) as { role: string }).role).toBe(role)
		}
	})

	test('restore: a member only their own, an admin anyone’s, a viewer none', async () => {
		const s = await workspaceWith({ admin: 'admin', member: 'member', viewer: 'viewer' })
		const theirs = await createTask(s.id, s.admin, { title: 'admin’s' })
		const mine = await createTask(s.id, s.member, { title: 'member’s' })
		expect((await call(api, 'DELETE', tasksPath(s.id, `/${theirs.id}`), { token: s.admin.token })).status).toBe(204)
		expect((await call(api, 'DELETE', tasksPath(s.id, `/${mine.id}`), { token: s.member.token })).status).toBe(204)
		expect((await call(api, 'POST', tasksPath(s.id, `/${theirs.id}/restore`), { token: s.member.token })).status).toBe(403)
		expect((await call(api, 'POST', tasksPath(s.id, `/${mine.id}/restore`), { token: s.viewer.token })).status).toBe(403)
		expect((await call(api, 'POST', tasksPath(s.id, `/${mine.id}/restore`), { token: s.member.token })).status).toBe(200)
		expect((await call(api, 'POST', tasksPath(s.id, `/${theirs.id}/restore`), { token: s.owner.token })).status).toBe(200)
	})

	test('admins cannot make owners, change owners or remove them; owners can', async () => {
		const s = await workspaceWith({ admin: 'admin', member: 'member', second: 'owner' })
		const put = (by: User, who: User, role: WorkspaceRole) =>
			call(api, 'PUT', `/v1/workspaces/${s.id}/members/${who.sub}`, { token: by.token, body: { role } })
		expect((await put(s.admin, s.member, 'owner')).status).toBe(403)
		expect((await put(s.admin, s.second, 'member')).status).toBe(403)
		expect((await call(api, 'DELETE', `/v1/workspaces/${s.id}/members/${s.second.sub}`, { token: s.admin.token })).status).toBe(403)
		const invite = await call(api, 'PUT', `/v1/workspaces/${s.id}/invitations/${crypto.randomUUID()}`, {
			token: s.admin.token,
			body: { email: 'boss@example.com', role: 'owner', expiresAt: inAnHour() },
		})
		expect(invite.status).toBe(403)
		expect(((await invite.json()) as { detail: string }).detail).toBe(memberRefusal('admin'))
		expect((await put(s.owner, s.member, 'admin')).status).toBe(200)
		expect((await call(api, 'DELETE', `/v1/workspaces/${s.id}/members/${s.second.sub}`, { token: s.owner.token })).status).toBe(204)
	})

	test('assigning: only to a current member (422 otherwise); assignee=me lists one’s own; the personal list assigns nobody', async () => {
		const s = await workspaceWith({ member: 'member' })
		const stranger = await newUser()
		const bad = await call(api, 'POST', tasksPath(s.id), { token: s.member.token, body: { title: 't', assigneeId: stranger.sub } })
		expect(bad.status).toBe(422)
		expect(((await bad.json()) as { errors: unknown }).errors).toEqual([
			{ field: 'assigneeId', message: 'must be a member of this workspace' },
		])
		const mine = await createTask(s.id, s.owner, { title: 'for member', assigneeId: s.member.sub })
		expect(mine).toMatchObject({ createdBy: s.owner.sub, assigneeId: s.member.sub })
		await createTask(s.id, s.owner, { title: 'for nobody' })
		const listed = (await (await call(api, 'GET', tasksPath(s.id, '?assignee=me'), { token: s.member.token })).json()) as {
			items: Array<{ id: string }>
		}
		expect(listed.items.map((item) => item.id)).toEqual([mine.id])
		const personal = await call(api, 'POST', '/v1/tasks', { token: s.member.token, body: { title: 't', assigneeId: s.owner.sub } })
		expect(personal.status).toBe(422)
		const ok = await call(api, 'POST', '/v1/tasks', { token: s.member.token, body: { title: 't', assigneeId: null } })
		expect(await ok.json()).toMatchObject({ createdBy: s.member.sub, assigneeId: null })
	})

	test('a non-member learns nothing: unknown, malformed and real workspaces and their tasks answer alike', async () => {
		const s = await workspaceWith({})
		const task = await createTask(s.id, s.owner)
		const outsider = await newUser()
		const answers = []
		for (const path of [
			`/v1/workspaces/${s.id}`,
			`/v1/workspaces/${crypto.randomUUID()}`,
			'/v1/workspaces/not-a-uuid',
			tasksPath(s.id),
			tasksPath(s.id, `/${task.id}`),
			tasksPath(crypto.randomUUID(), `/${task.id}`),
			`/v1/workspaces/${s.id}/members`,
		]) {
			const response = await call(api, 'GET', path, { token: outsider.token })
			answers.push({ status: response.status, body: await response.text() })
		}
		for (const answer of answers) expect(answer).toEqual(answers[0])
		expect(answers[0]!.status).toBe(404)
	})
})
