/**
 * The BFF client for workspaces: membership, invitations and the workspace
 * itself on the task API (which keeps its own membership table and decides
 * every call from the user's role at that moment). One per request, as the
 * signed-in user; the calls, tokens and error mapping are
 * api-call.server.ts's, like the task client's: 403 → TasksApiForbiddenError,
 * 404 → a thrown 404 Response, 409 → TasksApiConflictError, 422 →
 * TasksApiValidationError.
 *
 * acceptInvitation is the one call whose token carries the user's email
 * (the API matches it against the invitation's): minted for that call alone
 * with the jwt plugin's signJWT, with the same issuer, audience, lifetime and
 * time claims as the cached token (signJWT leaves out `iat` unless given),
 * and never cached, so no other call carries the email.
 */
import {
	acceptedInvitationSchema,
	myWorkspacesSchema,
	workspaceDetailsSchema,
	workspaceInvitationSchema,
	workspaceMemberSchema,
	workspaceMembersSchema,
	workspaceSchema,
	type AcceptedInvitation,
	type MyWorkspaces,
	type Workspace,
	type WorkspaceDetails,
	type WorkspaceInvitation,
	type WorkspaceMember,
	type WorkspaceMembers,
} from '#common/workspaces-contract.ts'
import type { WorkspaceRole } from '#common/workspace-roles.ts'
import type { ContextReader } from '#app/context.server.ts'
import type { CurrentSession } from '#app/lib/auth/session.server.ts'
import { createApiCaller, notFound, UUID } from './api-call.server.ts'
import { tokenForOneCall } from './token-cache.server.ts'

export type InvitationRequest = { invitationId: string; email: string; role: WorkspaceRole; expiresAt: Date | string }

export type WorkspacesApi = {
	/** The user becomes its owner. 409 (TasksApiConflictError) when the id exists; 422 at WORKSPACES_PER_ACCOUNT. */
	createWorkspace(id: string): Promise<Workspace>
	/** The user's role and the member count; a thrown 404 when not a member. */
	getWorkspace(id: string): Promise<WorkspaceDetails>
	listMembers(id: string): Promise<WorkspaceMembers>
	/** Creates or replaces the invitation (same id). 403 when the role may not invite as `role`; 422 at the member limit. */
	invite(id: string, invitation: InvitationRequest): Promise<WorkspaceInvitation>
	revokeInvitation(id: string, invitationId: string): Promise<void>
	/**
	 * Joins with the invited role (or keeps an existing membership). `email`
	 * must be the signed-in user's (it is what the token carries); 403 when
	 * the invitation is for another address, a thrown 404 when unknown or expired.
	 */
	acceptInvitation(invitationId: string, email: string): Promise<AcceptedInvitation>
	/** 409 (LAST_OWNER_REFUSAL) when the workspace would have no owner left. */
	changeRole(id: string, userId: string, role: WorkspaceRole): Promise<WorkspaceMember>
	/** The other member becomes an owner, the user an admin. */
	transferOwnership(id: string, userId: string): Promise<Workspace>
	/** Someone else, or the user themselves (leave); 409 for the last owner. */
	removeMember(id: string, userId: string): Promise<void>
	/** Owners only: members, invitations and tasks go with it. */
	deleteWorkspace(id: string): Promise<void>
	myWorkspaces(): Promise<MyWorkspaces>
	readonly unavailableEarlier: boolean
}

/** A path segment from an id: ids that cannot exist are a 404 without a call. */
function idSegment(id: string): string {
	if (!UUID.test(id)) notFound()
	return encodeURIComponent(id)
}

/** A user id as a path segment (the API's own ids are uuids; any other simply is no member). */
const userSegment = (userId: string) => encodeURIComponent(userId)

export function createWorkspacesApi(request: Request, context: ContextReader, current: CurrentSession): WorkspacesApi {
	const caller = createApiCaller(request, context, current)
	const { call, parse } = caller
	const workspacePath = (id: string, rest = '') => `/v1/workspaces/${idSegment(id)}${rest}`

	return {
		async createWorkspace(id) {
			if (!UUID.test(id)) throw new TypeError('createWorkspace: the id must be a uuid')
			return parse(workspaceSchema, await call({ method: 'POST', path: '/v1/workspaces', body: { id } }))
		},
		async getWorkspace(id) {
			return parse(workspaceDetailsSchema, await call({ method: 'GET', path: workspacePath(id) }))
		},
		async listMembers(id) {
			return parse(workspaceMembersSchema, await call({ method: 'GET', path: workspacePath(id, '/members') }))
		},
		async invite(id, { invitationId, email, role, expiresAt }) {
			const body = { email, role, expiresAt: typeof expiresAt === 'string' ? expiresAt : expiresAt.toISOString() }
			const path = workspacePath(id, `/invitations/${idSegment(invitationId)}`)
			return parse(workspaceInvitationSchema, await call({ method: 'PUT', path, body }))
		},
		async revokeInvitation(id, invitationId) {
			await call({ method: 'DELETE', path: workspacePath(id, `/invitations/${idSegment(invitationId)}`), expected: 'empty' })
		},
		async acceptInvitation(invitationId, email) {
			// The claim speaks for the signed-in user only.
			if (email.trim().toLowerCase() !== current.user.email.toLowerCase()) {
				throw new TypeError('acceptInvitation: the email must be the signed-in user’s')
			}
			const path = `/v1/invitations/${idSegment(invitationId)}/accept`
			return parse(
				acceptedInvitationSchema,
				await call({ method: 'POST', path, token: () => tokenForOneCall({ sub: current.user.id, email: current.user.email }) }),
			)
		},
		async changeRole(id, userId, role) {
			const path = workspacePath(id, `/members/${userSegment(userId)}`)
			return parse(workspaceMemberSchema, await call({ method: 'PUT', path, body: { role } }))
		},
		async transferOwnership(id, userId) {
			return parse(workspaceSchema, await call({ method: 'POST', path: workspacePath(id, '/transfer'), body: { userId } }))
		},
		async removeMember(id, userId) {
			await call({ method: 'DELETE', path: workspacePath(id, `/members/${userSegment(userId)}`), expected: 'empty' })
		},
		async deleteWorkspace(id) {
			await call({ method: 'DELETE', path: workspacePath(id), expected: 'empty' })
		},
		async myWorkspaces() {
			return parse(myWorkspacesSchema, await call({ method: 'GET', path: '/v1/me/workspaces' }))
		},
		get unavailableEarlier() {
			return caller.unavailableEarlier
		},
	}
}
