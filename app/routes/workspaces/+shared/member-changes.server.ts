/**
 * Changing what a member of a workspace may do on the server: their role,
 * ownership passed to them, their removal, and leaving.
 *
 * The order in which the two stores change (the task API's copy of the
 * memberships and Better Auth's tables): two-stores.server.ts.
 */
import { APIError } from 'better-auth/api'
import type { ContextReader } from '#app/context.server.ts'
import { auth } from '#app/lib/auth/better-auth.server.ts'
import { authHeaders, type CurrentSession } from '#app/lib/auth/session.server.ts'
import { logger } from '#app/lib/logger.server.ts'
import { createWorkspacesApi } from '#app/lib/tasks-api/workspaces-client.server.ts'
import { memberRefusal, ROLE_LABELS, type WorkspaceRole } from '#common/workspace-roles.ts'
import type { CurrentWorkspace } from './workspace.server.ts'
import {
	deleteMembershipDirectly,
	follow,
	memberIdOf,
	type Outcome,
	recordWorkspaceEvent,
	refusalOf,
	refuse,
	setRoleDirectly,
	undo,
} from './two-stores.server.ts'

/** Strongest first: an upgrade gives access, a downgrade takes it away. */
const RANK: Record<WorkspaceRole, number> = { owner: 3, admin: 2, member: 1, viewer: 0 }

/** Sets a member's role in Better Auth (as the caller). */
async function setRoleInBetterAuth(request: Request, context: ContextReader, workspaceId: string, userId: string, role: WorkspaceRole) {
	const memberId = await memberIdOf(workspaceId, userId)
	if (!memberId) throw new APIError('BAD_REQUEST', { code: 'MEMBER_NOT_FOUND', message: 'Member not found' })
	await auth.api.updateMemberRole({ body: { memberId, role, organizationId: workspaceId }, headers: authHeaders(request, context) })
}

function personIn(workspace: CurrentWorkspace, userId: string) {
	return workspace.people.find((person) => person.userId === userId)
}

const NOT_A_MEMBER = 'That person is no longer a member of this workspace.'

export async function changeRole(
	request: Request,
	context: ContextReader,
	current: CurrentSession,
	workspace: CurrentWorkspace,
	input: { userId: string; role: WorkspaceRole },
): Promise<Outcome<{ name: string; changed: boolean }>> {
	const target = personIn(workspace, input.userId)
	if (!target) return refuse(404, NOT_A_MEMBER)
	const from = target.role
	if (from === input.role) return { ok: true, name: target.name, changed: false }
	const api = createWorkspacesApi(request, context, current)
	if (RANK[input.role] < RANK[from]) {
		// A downgrade takes access away: the task API first.
		try {
			await api.changeRole(workspace.id, input.userId, input.role)
		} catch (error) {
			return refusalOf(error, { notFound: NOT_A_MEMBER })
		}
		await follow(
			'downgrade',
			() => setRoleInBetterAuth(request, context, workspace.id, input.userId, input.role),
			() => setRoleDirectly(workspace.id, input.userId, input.role),
		)
	} else {
		// An upgrade gives access: Better Auth first, undone if the task API refuses.
		try {
			await setRoleInBetterAuth(request, context, workspace.id, input.userId, input.role)
		} catch (error) {
			if (error instanceof APIError) return refuse(403, memberRefusal(workspace.role))
			throw error
		}
		try {
			await api.changeRole(workspace.id, input.userId, input.role)
		} catch (error) {
			const refusal = refusalOf(error, { notFound: NOT_A_MEMBER })
			await undo('upgrade', () => setRoleDirectly(workspace.id, input.userId, from))
			return refusal
		}
	}
	await recordWorkspaceEvent(
		request,
		context,
		'workspace-role-changed',
		workspace,
		current.user.id,
		`${target.name}: ${ROLE_LABELS[from]} → ${ROLE_LABELS[input.role]}`,
		[input.userId],
	)
	return { ok: true, name: target.name, changed: true }
}

/**
 * The new owner is made an owner in Better Auth first (giving access), then
 * the task API transfers; what the caller is left with is what the task API
 * says their role now is (getWorkspace), which Better Auth then follows.
 */
export async function transferOwnership(
	request: Request,
	context: ContextReader,
	current: CurrentSession,
	workspace: CurrentWorkspace,
	userId: string,
): Promise<Outcome<{ name: string }>> {
	const target = personIn(workspace, userId)
	if (!target || userId === current.user.id) return refuse(404, NOT_A_MEMBER)
	const from = target.role
	if (from !== 'owner') {
		try {
			await setRoleInBetterAuth(request, context, workspace.id, userId, 'owner')
		} catch (error) {
			if (error instanceof APIError) return refuse(403, memberRefusal(workspace.role))
			throw error
		}
	}
	const api = createWorkspacesApi(request, context, current)
	try {
		await api.transferOwnership(workspace.id, userId)
	} catch (error) {
		const refusal = refusalOf(error, { notFound: NOT_A_MEMBER })
		if (from !== 'owner') await undo('transfer', () => setRoleDirectly(workspace.id, userId, from))
		return refusal
	}
	// The caller's own role as the authority now has it.
	let callerRole: WorkspaceRole = 'admin'
	try {
		callerRole = (await api.getWorkspace(workspace.id)).role
	} catch (error) {
		logger.warn({ err: error, workspaceId: workspace.id }, "could not read the caller's role after a transfer: admin assumed")
	}
	if (callerRole !== workspace.role) await setRoleDirectly(workspace.id, current.user.id, callerRole)
	await recordWorkspaceEvent(request, context, 'workspace-ownership-transferred', workspace, current.user.id, `to ${target.name}`, [userId])
	return { ok: true, name: target.name }
}

export async function removeMember(
	request: Request,
	context: ContextReader,
	current: CurrentSession,
	workspace: CurrentWorkspace,
	userId: string,
): Promise<Outcome<{ name: string }>> {
	const target = personIn(workspace, userId)
	if (!target) return refuse(404, NOT_A_MEMBER)
	if (userId === current.user.id) return refuse(400, 'Use “Leave workspace” to leave it yourself.')
	try {
		await createWorkspacesApi(request, context, current).removeMember(workspace.id, userId)
	} catch (error) {
		// Already gone there: Better Auth follows all the same.
		if (!(error instanceof Response && error.status === 404)) return refusalOf(error, { notFound: NOT_A_MEMBER })
	}
	const memberId = await memberIdOf(workspace.id, userId)
	if (memberId) {
		await follow(
			'remove member',
			() =>
				auth.api.removeMember({
					body: { memberIdOrEmail: memberId, organizationId: workspace.id },
					headers: authHeaders(request, context),
				}),
			() => deleteMembershipDirectly(workspace.id, userId),
		)
	}
	await recordWorkspaceEvent(request, context, 'workspace-member-removed', workspace, current.user.id, target.name, [userId])
	return { ok: true, name: target.name }
}

export async function leaveWorkspace(
	request: Request,
	context: ContextReader,
	current: CurrentSession,
	workspace: CurrentWorkspace,
): Promise<Outcome> {
	try {
		await createWorkspacesApi(request, context, current).removeMember(workspace.id, current.user.id)
	} catch (error) {
		if (!(error instanceof Response && error.status === 404)) return refusalOf(error)
	}
	await follow(
		'leave',
		() => auth.api.leaveOrganization({ body: { organizationId: workspace.id }, headers: authHeaders(request, context) }),
		() => deleteMembershipDirectly(workspace.id, current.user.id),
	)
	await recordWorkspaceEvent(request, context, 'workspace-member-left', workspace, current.user.id, null)
	return { ok: true }
}
