/**
 * Workspaces over real HTTP on a real database: roles decided fresh on every
 * request (whatever token the caller holds), invitations, the last owner,
 * per-workspace quotas and idempotency, and account deletion.
 */
import { sql } from 'drizzle-orm'
import { describe, expect, test } from 'vitest'
import type { TaskList } from '#common/tasks-contract.ts'
import { LAST_OWNER_REFUSAL } from '#common/workspace-roles.ts'
import { call, signToken, startApiWithKey } from './test-support.ts'
import { workspaceHelpers, type User } from './workspace-support.ts'

const LIMITS = { maxTasks: 3, maxMembers: 4, perAccount: 3 }
const { api, key } = await startApiWithKey({ workspaceLimits: LIMITS })
const { newUser, emailToken, inAnHour, createWorkspace, workspaceWith, tasksPath, createTask } = workspaceHelpers(api, key)

const member = (workspaceId: string, user: User) => `/v1/workspaces/${workspaceId}/members/${user.sub}`
const detail = async (response: Response) => ((await response.json()) as { detail: string }).detail

describe('fresh on every request', () => {
	test('a token minted before a removal is refused at once (404); before a downgrade, 403; an upgrade counts at once too', async () => {
		const s = await workspaceWith({ member: 'member' })
		const task = await createTask(s.id, s.member)
		// Minted now, replayed after each change (the API remembers verified tokens: the role is never in them).
		const before = await signToken(key, { sub: s.member.sub })
		expect((await call(api, 'GET', tasksPath(s.id), { token: before })).status).toBe(200)

		expect((await call(api, 'PUT', member(s.id, s.member), { token: s.owner.token, body: { role: 'viewer' } })).status).toBe(200)
		const patched = await call(api, 'PATCH', tasksPath(s.id, `/${task.id}`), { token: before, body: { title: 'x' } })
		expect(patched.status).toBe(403)
		expect(await detail(patched)).toBe("Viewers can't change tasks in this workspace.")

		expect((await call(api, 'PUT', member(s.id, s.member), { token: s.owner.token, body: { role: 'admin' } })).status).toBe(200)
		expect((await call(api, 'DELETE', tasksPath(s.id, '?status=completed'), { token: before })).status).toBe(200)

		expect((await call(api, 'DELETE', member(s.id, s.member), { token: s.owner.token })).status).toBe(204)
		for (const path of [tasksPath(s.id), tasksPath(s.id, `/${task.id}`), `/v1/workspaces/${s.id}`]) {
			expect((await call(api, 'GET', path, { token: before })).status).toBe(404)
		}
		expect(await (await call(api, 'GET', '/v1/me/workspaces', { token: before })).json()).toEqual({ workspaces: [] })
	})

	// The list reads the role in its own query (server/workspaces/access.ts readsOwnRole): every way it can answer.
	test('the list: a removed member gets 404 on an empty list, past a cursor, in a search and before a bad parameter; members get the page and their role', async () => {
		const s = await workspaceWith({ viewer: 'viewer', leaving: 'member' })
		const list = (user: User, query = '', method = 'GET') => call(api, method, tasksPath(s.id, query), { token: user.token })
		const answer = async (response: Response) => ({ status: response.status, body: await response.text() })
		const nothingHere = await answer(await call(api, 'GET', `/v1/workspaces/${crypto.randomUUID()}`, { token: s.viewer.token }))
		expect(nothingHere.status).toBe(404)

		// Empty: the page query finds no row, the counts query reads the role.
		const empty = await list(s.viewer)
		expect(empty.status).toBe(200)
		expect(await empty.json()).toEqual({
			items: [],
			nextCursor: null,
			counts: { all: 0, active: 0, completed: 0 },
			role: 'viewer',
		})
		await createTask(s.id, s.owner, { title: 'first' })
		await createTask(s.id, s.owner, { title: 'second', completed: true })
		const first = (await (await list(s.leaving, '?limit=1')).json()) as { items: unknown[]; nextCursor: string; role: string }
		expect(first).toMatchObject({ items: [{ title: 'second' }], role: 'member', counts: { all: 2, active: 1, completed: 1 } })
		expect(await (await list(s.leaving, `?limit=1&cursor=${first.nextCursor}`)).json()).toMatchObject({
			items: [{ title: 'first' }],
			nextCursor: null,
			role: 'member',
		})
		expect((await list(s.viewer, '', 'HEAD')).status).toBe(200)
		for (const query of ['?limit=0', '?cursor=not-a-cursor', `?sort=due&cursor=${first.nextCursor}`]) {
			expect((await list(s.viewer, query)).status).toBe(422)
		}

		expect((await call(api, 'DELETE', member(s.id, s.leaving), { token: s.owner.token })).status).toBe(204)
		for (const query of [
			'',
			'?limit=1',
			`?limit=1&cursor=${first.nextCursor}`,
			'?q=second',
			'?status=active&assignee=me',
			'?q=nothing-matches',
			'?limit=0',
			'?cursor=not-a-cursor',
			`?sort=due&cursor=${first.nextCursor}`,
		]) {
			expect(await answer(await list(s.leaving, query)), query).toEqual(nothingHere)
		}
		expect((await list(s.leaving, '', 'HEAD')).status).toBe(404)
		// Empty again, for a member and for the removed one.
		expect((await call(api, 'DELETE', tasksPath(s.id, '?status=completed'), { token: s.owner.token })).status).toBe(200)
		expect(await answer(await list(s.leaving, '?status=completed'))).toEqual(nothingHere)
		expect(await (await list(s.viewer, '?status=completed')).json()).toMatchObject({ items: [], role: 'viewer' })
		// A malformed workspace id is refused before any parameter is looked at.
		const malformed = await call(api, 'GET', '/v1/workspaces/not-a-uuid/tasks?limit=0', { token: s.viewer.token })
		expect(await answer(malformed)).toEqual(nothingHere)
	})

	test('a removed member’s assigned tasks lose the assignee', async () => {
		const s = await workspaceWith({ member: 'member' })
		const task = await createTask(s.id, s.owner, { title: 'yours', assigneeId: s.member.sub })
		expect((await call(api, 'DELETE', member(s.id, s.member), { token: s.member.token })).status).toBe(204)
		const read = await call(api, 'GET', tasksPath(s.id, `/${task.id}`), { token: s.owner.token })
		expect(await read.json()).toMatchObject({ assigneeId: null, createdBy: s.owner.sub })
	})
})

describe('workspaces and members', () => {
	test('create, read, list members, my workspaces; an id taken is 409; the account limit 422', async () => {
		const owner = await newUser()
		const id = await createWorkspace(owner)
		expect(await (await call(api, 'POST', '/v1/workspaces', { token: (await newUser()).token, body: { id } })).status).toBe(409)
		expect(await (await call(api, 'GET', `/v1/workspaces/${id}`, { token: owner.token })).json()).toEqual({ id, role: 'owner', members: 1 })
		const listed = (await (await call(api, 'GET', `/v1/workspaces/${id}/members`, { token: owner.token })).json()) as {
			members: Array<{ userId: string; role: string }>
			invitations: unknown[]
		}
		expect(listed.members).toMatchObject([{ userId: owner.sub, role: 'owner' }])
		expect(listed.invitations).toEqual([])
		await createWorkspace(owner)
		await createWorkspace(owner)
		const over = await call(api, 'POST', '/v1/workspaces', { token: owner.token, body: { id: crypto.randomUUID() } })
		expect(over.status).toBe(422)
		expect(await detail(over)).toBe(`You can belong to at most ${LIMITS.perAccount} workspaces.`)
		const mine = (await (await call(api, 'GET', '/v1/me/workspaces', { token: owner.token })).json()) as { workspaces: unknown[] }
		expect(mine.workspaces).toHaveLength(3)
		expect((await call(api, 'POST', '/v1/workspaces', { token: owner.token, body: { id: 'nope' } })).status).toBe(422)
	})

	test('deleting a workspace takes its members, invitations, tasks and counts; owners only', async () => {
		const s = await workspaceWith({ admin: 'admin' })
		await createTask(s.id, s.admin)
		expect((await call(api, 'DELETE', `/v1/workspaces/${s.id}`, { token: s.admin.token })).status).toBe(403)
		expect((await call(api, 'DELETE', `/v1/workspaces/${s.id}`, { token: s.owner.token })).status).toBe(204)
		expect((await call(api, 'GET', tasksPath(s.id), { token: s.admin.token })).status).toBe(404)
		const left = await api.database.db.execute<{ n: number }>(
			sql`select (select count(*) from task where workspace_id = ${s.id}) + (select count(*) from task_count where list_key = ${`w:${s.id}`}) + (select count(*) from workspace_member where workspace_id = ${s.id}) as n`,
		)
		const rows = Array.isArray(left) ? left : (left as unknown as { rows: Array<{ n: number }> }).rows
		expect(Number(rows[0]!.n)).toBe(0)
	})
})

describe('invitations', () => {
	test('accepted with a matching email claim (any case), once; another email 403; no email 403', async () => {
		const owner = await newUser()
		const id = await createWorkspace(owner)
		const guest = await newUser()
		const invitationId = crypto.randomUUID()
		const invite = await call(api, 'PUT', `/v1/workspaces/${id}/invitations/${invitationId}`, {
			token: owner.token,
			body: { email: guest.email.toUpperCase(), role: 'admin', expiresAt: inAnHour() },
		})
		expect(invite.status).toBe(201)
		expect(await invite.json()).toMatchObject({ id: invitationId, email: guest.email, role: 'admin' })
		const accept = (token: string) => call(api, 'POST', `/v1/invitations/${invitationId}/accept`, { token })
		const wrong = await accept(await emailToken(guest, 'someone@example.com'))
		expect(wrong.status).toBe(403)
		expect(await detail(wrong)).toBe('This invitation is for another email address.')
		expect((await accept(guest.token)).status).toBe(403)
		const ok = await accept(await emailToken(guest, guest.email.toUpperCase()))
		expect(ok.status).toBe(200)
		expect(await ok.json()).toEqual({ workspaceId: id, role: 'admin' })
		expect((await accept(await emailToken(guest))).status).toBe(404)
		expect(await (await call(api, 'GET', `/v1/workspaces/${id}`, { token: guest.token })).json()).toEqual({ id, role: 'admin', members: 2 })
	})

	test('an expired invitation is 404; a revoked one too; the same id again replaces it', async () => {
		const owner = await newUser()
		const id = await createWorkspace(owner)
		const guest = await newUser()
		const invitationId = crypto.randomUUID()
		const put = (expiresAt: string, role = 'member') =>
			call(api, 'PUT', `/v1/workspaces/${id}/invitations/${invitationId}`, {
				token: owner.token,
				body: { email: guest.email, role, expiresAt },
			})
		expect((await put(inAnHour())).status).toBe(201)
		expect((await put(inAnHour(), 'viewer')).status).toBe(201)
		const listed = (await (await call(api, 'GET', `/v1/workspaces/${id}/members`, { token: owner.token })).json()) as {
			invitations: Array<{ id: string; role: string }>
		}
		expect(listed.invitations).toMatchObject([{ id: invitationId, role: 'viewer' }])
		expect((await put(new Date(Date.now() - 1000).toISOString())).status).toBe(422)
		await api.database.db.execute(sql`update workspace_invitation set expires_at = now() - interval '1 second' where id = ${invitationId}`)
		expect((await call(api, 'POST', `/v1/invitations/${invitationId}/accept`, { token: await emailToken(guest) })).status).toBe(404)
		expect((await put(inAnHour())).status).toBe(201)
		expect((await call(api, 'DELETE', `/v1/workspaces/${id}/invitations/${invitationId}`, { token: owner.token })).status).toBe(204)
		expect((await call(api, 'DELETE', `/v1/workspaces/${id}/invitations/${invitationId}`, { token: owner.token })).status).toBe(404)
		expect((await call(api, 'POST', `/v1/invitations/${invitationId}/accept`, { token: await emailToken(guest) })).status).toBe(404)
	})

	test('members plus pending invitations stay within the limit, at invitation and at acceptance', async () => {
		const s = await workspaceWith({ a: 'member', b: 'member' })
		const guest = await newUser()
		const first = crypto.randomUUID()
		const invite = (invitationId: string, email: string) =>
			call(api, 'PUT', `/v1/workspaces/${s.id}/invitations/${invitationId}`, {
				token: s.owner.token,
				body: { email, role: 'member', expiresAt: inAnHour() },
			})
		expect((await invite(first, guest.email)).status).toBe(201)
		const over = await invite(crypto.randomUUID(), 'more@example.com')
		expect(over.status).toBe(422)
		expect(await detail(over)).toBe(`This workspace has reached its limit of ${LIMITS.maxMembers} members.`)
		// Re-sending the same invitation is not one more.
		expect((await invite(first, guest.email)).status).toBe(201)
		// Seats freed meanwhile and taken by others: acceptance checks again.
		await api.database.db.execute(
			sql`insert into workspace_member (workspace_id, user_id, role) values (${s.id}, ${crypto.randomUUID()}, 'viewer')`,
		)
		const late = await call(api, 'POST', `/v1/invitations/${first}/accept`, { token: await emailToken(guest) })
		expect(late.status).toBe(422)
	})

	test('someone already a member keeps their role; the invitation is used up', async () => {
		const s = await workspaceWith({ admin: 'admin' })
		const invitationId = crypto.randomUUID()
		await call(api, 'PUT', `/v1/workspaces/${s.id}/invitations/${invitationId}`, {
			token: s.owner.token,
			body: { email: s.admin.email, role: 'viewer', expiresAt: inAnHour() },
		})
		const accepted = await call(api, 'POST', `/v1/invitations/${invitationId}/accept`, { token: await emailToken(s.admin) })
		expect(await accepted.json()).toEqual({ workspaceId: s.id, role: 'admin' })
		expect((await call(api, 'POST', `/v1/invitations/${invitationId}/accept`, { token: await emailToken(s.admin) })).status).toBe(404)
	})
})

describe('the last owner', () => {
	test('cannot leave or step down; can after making someone an owner; transfer swaps roles', async () => {
		const s = await workspaceWith({ admin: 'admin', viewer: 'viewer' })
		for (const response of [
			await call(api, 'DELETE', member(s.id, s.owner), { token: s.owner.token }),
			await call(api, 'PUT', member(s.id, s.owner), { token: s.owner.token, body: { role: 'admin' } }),
		]) {
			expect(response.status).toBe(409)
			expect(await detail(response)).toBe(LAST_OWNER_REFUSAL)
		}
		// Nobody raises themselves.
		expect((await call(api, 'PUT', member(s.id, s.viewer), { token: s.viewer.token, body: { role: 'member' } })).status).toBe(403)
		expect(
			(await call(api, 'POST', `/v1/workspaces/${s.id}/transfer`, { token: s.admin.token, body: { userId: s.viewer.sub } })).status,
		).toBe(403)
		expect(
			(await call(api, 'POST', `/v1/workspaces/${s.id}/transfer`, { token: s.owner.token, body: { userId: crypto.randomUUID() } })).status,
		).toBe(404)
		const transferred = await call(api, 'POST', `/v1/workspaces/${s.id}/transfer`, { token: s.owner.token, body: { userId: s.admin.sub } })
		expect(await transferred.json()).toEqual({ id: s.id, role: 'admin' })
		expect(((await (await call(api, 'GET', `/v1/workspaces/${s.id}`, { token: s.admin.token })).json()) as { role: string }).role).toBe(
			'owner',
		)
		// The old owner (an admin now) may leave; the new one may not.
		expect((await call(api, 'DELETE', member(s.id, s.admin), { token: s.admin.token })).status).toBe(409)
		expect((await call(api, 'DELETE', member(s.id, s.owner), { token: s.owner.token })).status).toBe(204)
		// Anyone may leave.
		expect((await call(api, 'DELETE', member(s.id, s.viewer), { token: s.viewer.token })).status).toBe(204)
	})

	test('two owners demoting each other at once leave one owner', async () => {
		for (let round = 0; round < 5; round++) {
			const s = await workspaceWith({ second: 'owner' })
			const [a, b] = await Promise.all([
				call(api, 'PUT', member(s.id, s.second), { token: s.owner.token, body: { role: 'member' } }),
				call(api, 'PUT', member(s.id, s.owner), { token: s.second.token, body: { role: 'member' } }),
			])
			// The second waits for the first, then finds itself no owner any more (403), or the last one (409).
			const statuses = [a.status, b.status].sort()
			expect(statuses[0]).toBe(200)
			expect([403, 409]).toContain(statuses[1])
			const listed = (await (await call(api, 'GET', `/v1/workspaces/${s.id}/members`, { token: s.owner.token })).json()) as {
				members: Array<{ role: string }>
			}
			expect(listed.members.filter((m) => m.role === 'owner')).toHaveLength(1)
		}
	})

	test('two owners leaving at once leave one owner', async () => {
		const s = await workspaceWith({ second: 'owner' })
		const answers = await Promise.all([
			call(api, 'DELETE', member(s.id, s.owner), { token: s.owner.token }),
			call(api, 'DELETE', member(s.id, s.second), { token: s.second.token }),
		])
		expect(answers.map((response) => response.status).sort()).toEqual([204, 409])
	})
})

describe('quotas and idempotency per workspace', () => {
	test('WORKSPACE_MAX_TASKS caps a workspace’s live tasks, whoever adds them, in parallel too', async () => {
		const s = await workspaceWith({ a: 'member', b: 'member' })
		const answers = await Promise.all(
			[s.owner, s.a, s.b, s.a, s.b].map((user) => call(api, 'POST', tasksPath(s.id), { token: user.token, body: { title: 't' } })),
		)
		const statuses = answers.map((response) => response.status).sort()
		expect(statuses).toEqual([201, 201, 201, 422, 422])
		const refused = answers.find((response) => response.status === 422)!
		expect(await detail(refused)).toBe('This workspace has reached its limit of 3 tasks. Delete some to add new ones.')
		// The members' personal lists are theirs alone.
		expect((await call(api, 'POST', '/v1/tasks', { token: s.a.token, body: { title: 'mine' } })).status).toBe(201)
	})

	test('an Idempotency-Key replays in its workspace; the same key in another list is a 422', async () => {
		const s = await workspaceWith({})
		const other = await createWorkspace(s.owner)
		const headers = { 'Idempotency-Key': crypto.randomUUID() }
		const first = await call(api, 'POST', tasksPath(s.id), { token: s.owner.token, body: { title: 'once' }, headers })
		expect(first.status).toBe(201)
		const again = await call(api, 'POST', tasksPath(s.id), { token: s.owner.token, body: { title: 'once' }, headers })
		expect(again.status).toBe(201)
		expect(again.headers.get('idempotent-replayed')).toBe('true')
		expect(await again.json()).toEqual(await first.json())
		for (const path of [tasksPath(other), '/v1/tasks']) {
			const elsewhere = await call(api, 'POST', path, { token: s.owner.token, body: { title: 'once' }, headers })
			expect(elsewhere.status, path).toBe(422)
		}
		const list = (await (await call(api, 'GET', tasksPath(s.id), { token: s.owner.token })).json()) as TaskList
		expect(list.counts.all).toBe(1)
	})
})

describe('account deletion (DELETE /v1/me/tasks)', () => {
	test('refused while the caller alone owns a workspace with other members; nothing is deleted', async () => {
		const s = await workspaceWith({ member: 'member' })
		await call(api, 'POST', '/v1/tasks', { token: s.owner.token, body: { title: 'personal' } })
		const refused = await call(api, 'DELETE', '/v1/me/tasks', { token: s.owner.token })
		expect(refused.status).toBe(409)
		expect(await refused.json()).toMatchObject({ detail: 'Transfer ownership or delete these workspaces first.', workspaces: [s.id] })
		expect(((await (await call(api, 'GET', '/v1/tasks', { token: s.owner.token })).json()) as TaskList).counts.all).toBe(1)
	})

	test('otherwise: personal tasks and memberships go, workspaces they were alone in go, workspace tasks they made stay', async () => {
		const s = await workspaceWith({ member: 'member' })
		const alone = await createWorkspace(s.member)
		const made = await createTask(s.id, s.member, { title: 'stays' })
		await createTask(alone, s.member, { title: 'goes' })
		await call(api, 'POST', '/v1/tasks', { token: s.member.token, body: { title: 'personal' } })
		expect((await call(api, 'DELETE', '/v1/me/tasks', { token: s.member.token })).status).toBe(204)
		expect(((await (await call(api, 'GET', '/v1/tasks', { token: s.member.token })).json()) as TaskList).counts.all).toBe(0)
		expect(await (await call(api, 'GET', '/v1/me/workspaces', { token: s.member.token })).json()).toEqual({ workspaces: [] })
		expect((await call(api, 'GET', tasksPath(s.id, `/${made.id}`), { token: s.owner.token })).status).toBe(200)
		const result = await api.database.db.execute<{ n: number }>(sql`select count(*)::int as n from workspace where id = ${alone}`)
		const rows = Array.isArray(result) ? result : (result as unknown as { rows: Array<{ n: number }> }).rows
		expect(rows[0]!.n).toBe(0)
	})
})
