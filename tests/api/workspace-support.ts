/**
 * Test helpers for workspaces (not a test file): users whose ids are uuids
 * (like the app's), workspaces built through the API itself (create, invite,
 * accept with an email-carrying token), and task calls on a workspace's list.
 */
import { expect } from 'vitest'
import type { Task } from '#common/tasks-contract.ts'
import type { WorkspaceRole } from '#common/workspace-roles.ts'
import { call, signToken, type SigningKey } from './test-support.ts'

export type User = { sub: string; email: string; token: string }

export function workspaceHelpers(api: { url: string }, key: SigningKey) {
	/** A user as the app mints them: a uuid id, and an email the tests may put in a token. */
	const newUser = async (): Promise<User> => {
		const sub = crypto.randomUUID()
		return { sub, email: `${sub.slice(0, 8)}@example.com`, token: await signToken(key, { sub }) }
	}
	/** A token for `user` that carries their email (what the app mints to accept an invitation). */
	const emailToken = (user: User, email = user.email) => signToken(key, { sub: user.sub, email })
	const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString()

	async function createWorkspace(owner: User): Promise<string> {
		const id = crypto.randomUUID()
		const response = await call(api, 'POST', '/v1/workspaces', { token: owner.token, body: { id } })
		expect(response.status, await response.clone().text()).toBe(201)
		return id
	}

	/** Invites `user` as `role` (by `by`, an owner or admin) and accepts it. */
	async function addMember(workspaceId: string, by: User, user: User, role: WorkspaceRole): Promise<void> {
		const invitationId = crypto.randomUUID()
		const invited = await call(api, 'PUT', `/v1/workspaces/${workspaceId}/invitations/${invitationId}`, {
			token: by.token,
			body: { email: user.email, role, expiresAt: inAnHour() },
		})
		expect(invited.status, await invited.clone().text()).toBe(201)
		const accepted = await call(api, 'POST', `/v1/invitations/${invitationId}/accept`, { token: await emailToken(user) })
		expect(accepted.status, await accepted.clone().text()).toBe(200)
		expect(await accepted.json()).toEqual({ workspaceId, role })
	}

	/** A workspace owned by a new user, with new members of the given roles. */
	async function workspaceWith<R extends Record<string, WorkspaceRole>>(roles: R) {
		const owner = await newUser()
		const id = await createWorkspace(owner)
		const members = {} as Record<keyof R, User>
		for (const [name, role] of Object.entries(roles)) {
			const user = await newUser()
			await addMember(id, owner, user, role)
			members[name as keyof R] = user
		}
		return { id, owner, ...members }
	}

	const tasksPath = (workspaceId: string, rest = '') => `/v1/workspaces/${workspaceId}/tasks${rest}`

	async function createTask(workspaceId: string, user: User, body: Record<string, unknown> = { title: 'Shared' }): Promise<Task> {
		const response = await call(api, 'POST', tasksPath(workspaceId), { token: user.token, body })
		expect(response.status, await response.clone().text()).toBe(201)
		return (await response.json()) as Task
	}

	return { newUser, emailToken, inAnHour, createWorkspace, addMember, workspaceWith, tasksPath, createTask }
}
