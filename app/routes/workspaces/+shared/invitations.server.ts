/**
 * A workspace's invitations on the server: the pending ones, inviting,
 * revoking, and the invitee's page (finding one, whether the signed-in
 * account may answer it, accepting, declining).
 *
 * The order in which the two stores change (the task API's copy of the
 * memberships and Better Auth's tables): two-stores.server.ts.
 */
import { and, eq, gt } from 'drizzle-orm'
import { APIError } from 'better-auth/api'
import type { ContextReader } from '#app/context.server.ts'
import { auth } from '#app/lib/auth/better-auth.server.ts'
import { authHeaders, type CurrentSession } from '#app/lib/auth/session.server.ts'
import { db } from '#app/lib/db.server.ts'
import { invitation, organization, user } from '#app/lib/db/schema.ts'
import { invitationMessage, sendMailInBackground } from '#app/lib/mail.server.ts'
import { TasksApiValidationError } from '#app/lib/tasks-api/errors.server.ts'
import { createWorkspacesApi } from '#app/lib/tasks-api/workspaces-client.server.ts'
import { takeAttempt } from '#app/lib/throttle.server.ts'
import { THROTTLE_RULES } from '#app/lib/throttle-rules.server.ts'
import { isWorkspaceRole, memberRefusal, ROLE_LABELS, type WorkspaceRole } from '#common/workspace-roles.ts'
import type { CurrentWorkspace } from './workspace.server.ts'
import { INVITATION_GONE_MESSAGE } from './schemas.ts'
import {
	codeOf,
	deleteMembershipDirectly,
	follow,
	membersLimitMessage,
	type Outcome,
	recordWorkspaceEvent,
	refusalOf,
	refuse,
	undo,
	workspacesLimitMessage,
} from './two-stores.server.ts'

export type PendingInvitation = { id: string; email: string; role: WorkspaceRole; expiresAt: string }

/** The workspace's pending invitations that have not expired, soonest to expire first. */
export async function pendingInvitations(workspaceId: string): Promise<PendingInvitation[]> {
	const rows = await db
		.select({ id: invitation.id, email: invitation.email, role: invitation.role, expiresAt: invitation.expiresAt })
		.from(invitation)
		.where(and(eq(invitation.organizationId, workspaceId), eq(invitation.status, 'pending'), gt(invitation.expiresAt, new Date())))
		.orderBy(invitation.expiresAt)
	return rows.map((row) => ({
		id: row.id,
		email: row.email,
		role: isWorkspaceRole(row.role) ? row.role : 'viewer',
		expiresAt: row.expiresAt.toISOString(),
	}))
}

export async function inviteMember(
	request: Request,
	context: ContextReader,
	current: CurrentSession,
	workspace: CurrentWorkspace,
	input: { email: string; role: WorkspaceRole },
): Promise<Outcome<{ email: string }>> {
	// Counted before anything else: every attempt may cost a mail to an address the app does not know.
	await takeAttempt(THROTTLE_RULES.invitationsPerWorkspace, workspace.id)
	await takeAttempt(THROTTLE_RULES.invitationsPerInviter, current.user.id)
	if (workspace.people.some((person) => person.email.toLowerCase() === input.email)) {
		return refuse(409, 'That person is already a member of this workspace.', 'email')
	}
	const api = createWorkspacesApi(request, context, current)
	// A new invitation to the same address replaces the pending one (Better
	// Auth cancels it): taken away on the task API first.
	const replaced = (await pendingInvitations(workspace.id)).filter((pending) => pending.email === input.email)
	for (const old of replaced) {
		try {
			await api.revokeInvitation(workspace.id, old.id)
		} catch (error) {
			if (!(error instanceof Response && error.status === 404)) return refusalOf(error)
		}
	}
	let created: { id: string; expiresAt: Date }
	try {
		created = await auth.api.createInvitation({
			body: { email: input.email, role: input.role, organizationId: workspace.id },
			headers: authHeaders(request, context),
		})
	} catch (error) {
		const code = codeOf(error)
		if (code === 'USER_IS_ALREADY_A_MEMBER_OF_THIS_ORGANIZATION')
			return refuse(409, 'That person is already a member of this workspace.', 'email')
		if (code === 'INVITATION_LIMIT_REACHED') return refuse(422, membersLimitMessage())
		if (error instanceof APIError && error.statusCode === 403) return refuse(403, memberRefusal(workspace.role))
		throw error
	}
	const expiresAt = new Date(created.expiresAt).toISOString()
	const toApi = { invitationId: created.id, email: input.email, role: input.role, expiresAt }
	try {
		try {
			await api.invite(workspace.id, toApi)
		} catch (error) {
			// Declined invitations still count there until they expire (see two-stores.server.ts).
			if (!(error instanceof TasksApiValidationError) || !(await revokeStaleInvitations(api, workspace.id))) throw error
			await api.invite(workspace.id, toApi)
		}
	} catch (error) {
		const refusal = refusalOf(error, { invalid: membersLimitMessage(), notFound: 'This workspace no longer exists.' })
		await undo('invite', () =>
			auth.api
				.cancelInvitation({ body: { invitationId: created.id }, headers: authHeaders(request, context) })
				.catch(() => db.update(invitation).set({ status: 'canceled' }).where(eq(invitation.id, created.id))),
		)
		return refusal
	}
	void sendMailInBackground(
		invitationMessage(input.email, {
			invitationId: created.id,
			workspaceName: workspace.name,
			inviterName: current.user.name,
			role: ROLE_LABELS[input.role],
		}),
	)
	await recordWorkspaceEvent(
		request,
		context,
		'workspace-invitation-sent',
		workspace,
		current.user.id,
		`${input.email} as ${ROLE_LABELS[input.role]}`,
	)
	return { ok: true, email: input.email }
}

/** Revokes on the task API the invitations Better Auth no longer holds as pending; whether there were any. */
async function revokeStaleInvitations(api: ReturnType<typeof createWorkspacesApi>, workspaceId: string): Promise<boolean> {
	const [{ invitations }, pending] = await Promise.all([api.listMembers(workspaceId), pendingInvitations(workspaceId)])
	const live = new Set(pending.map((one) => one.id))
	const stale = invitations.filter((one) => !live.has(one.id))
	for (const one of stale) await api.revokeInvitation(workspaceId, one.id).catch(() => {})
	return stale.length > 0
}

export async function revokeInvitation(
	request: Request,
	context: ContextReader,
	current: CurrentSession,
	workspace: CurrentWorkspace,
	invitationId: string,
): Promise<Outcome<{ email: string }>> {
	const found = (await pendingInvitations(workspace.id)).find((pending) => pending.id === invitationId)
	if (!found) return refuse(404, 'That invitation is no longer pending.')
	try {
		await createWorkspacesApi(request, context, current).revokeInvitation(workspace.id, invitationId)
	} catch (error) {
		// Already gone there (expired, say): Better Auth follows all the same.
		if (!(error instanceof Response && error.status === 404)) return refusalOf(error)
	}
	await follow(
		'revoke invitation',
		() => auth.api.cancelInvitation({ body: { invitationId }, headers: authHeaders(request, context) }),
		() => db.update(invitation).set({ status: 'canceled' }).where(eq(invitation.id, invitationId)),
	)
	await recordWorkspaceEvent(request, context, 'workspace-invitation-revoked', workspace, current.user.id, found.email)
	return { ok: true, email: found.email }
}

export type InvitationView = {
	id: string
	email: string
	role: WorkspaceRole
	expiresAt: string
	workspace: { id: string; name: string; slug: string }
	inviterName: string | null
	inviterId: string
}

/** A pending, unexpired invitation (for its page); null when unknown, used, revoked, declined or expired. */
export async function findInvitation(invitationId: string): Promise<InvitationView | null> {
	if (invitationId.length > 64) return null
	const [row] = await db
		.select({
			id: invitation.id,
			email: invitation.email,
			role: invitation.role,
			status: invitation.status,
			expiresAt: invitation.expiresAt,
			workspaceId: organization.id,
			workspaceName: organization.name,
			workspaceSlug: organization.slug,
			inviterId: invitation.inviterId,
			inviterName: user.name,
		})
		.from(invitation)
		.innerJoin(organization, eq(organization.id, invitation.organizationId))
		.leftJoin(user, eq(user.id, invitation.inviterId))
		.where(eq(invitation.id, invitationId))
	if (!row || row.status !== 'pending' || row.expiresAt <= new Date()) return null
	return {
		id: row.id,
		email: row.email,
		role: isWorkspaceRole(row.role) ? row.role : 'viewer',
		expiresAt: row.expiresAt.toISOString(),
		workspace: { id: row.workspaceId, name: row.workspaceName, slug: row.workspaceSlug },
		inviterName: row.inviterName,
		inviterId: row.inviterId,
	}
}

/** Whether the signed-in account may answer the invitation: its verified email is the invited address. */
export async function invitationRecipientCheck(
	current: CurrentSession,
	found: InvitationView,
): Promise<'ok' | 'wrong-account' | 'unverified'> {
	if (current.user.email.toLowerCase() !== found.email.toLowerCase()) return 'wrong-account'
	const [row] = await db.select({ verified: user.emailVerified }).from(user).where(eq(user.id, current.user.id))
	return row?.verified ? 'ok' : 'unverified'
}

export async function acceptInvitation(
	request: Request,
	context: ContextReader,
	current: CurrentSession,
	invitationId: string,
): Promise<Outcome<{ slug: string; name: string }>> {
	const found = await findInvitation(invitationId)
	if (!found) return refuse(404, INVITATION_GONE_MESSAGE)
	if ((await invitationRecipientCheck(current, found)) !== 'ok') return refuse(403, `This invitation is for ${found.email}.`)
	try {
		await auth.api.acceptInvitation({ body: { invitationId }, headers: authHeaders(request, context) })
	} catch (error) {
		const code = codeOf(error)
		if (code === 'ORGANIZATION_MEMBERSHIP_LIMIT_REACHED') return refuse(422, `${found.workspace.name} is full: ask whoever invited you.`)
		if (code === 'YOU_HAVE_REACHED_THE_MAXIMUM_NUMBER_OF_ORGANIZATIONS') return refuse(422, workspacesLimitMessage())
		if (error instanceof APIError) return refuse(404, INVITATION_GONE_MESSAGE)
		throw error
	}
	try {
		await createWorkspacesApi(request, context, current).acceptInvitation(invitationId, found.email)
	} catch (error) {
		const refusal = refusalOf(error, { notFound: INVITATION_GONE_MESSAGE, invalid: workspacesLimitMessage() })
		await undo('accept invitation', async () => {
			await deleteMembershipDirectly(found.workspace.id, current.user.id)
			await db.update(invitation).set({ status: 'pending' }).where(eq(invitation.id, invitationId))
		})
		return refusal
	}
	await recordWorkspaceEvent(
		request,
		context,
		'workspace-invitation-accepted',
		found.workspace,
		current.user.id,
		`as ${ROLE_LABELS[found.role]}`,
		[found.inviterId],
	)
	return { ok: true, slug: found.workspace.slug, name: found.workspace.name }
}

export async function declineInvitation(
	request: Request,
	context: ContextReader,
	current: CurrentSession,
	invitationId: string,
): Promise<Outcome<{ name: string }>> {
	const found = await findInvitation(invitationId)
	if (!found) return refuse(404, INVITATION_GONE_MESSAGE)
	if ((await invitationRecipientCheck(current, found)) !== 'ok') return refuse(403, `This invitation is for ${found.email}.`)
	try {
		await auth.api.rejectInvitation({ body: { invitationId }, headers: authHeaders(request, context) })
	} catch (error) {
		if (error instanceof APIError) return refuse(404, INVITATION_GONE_MESSAGE)
		throw error
	}
	await recordWorkspaceEvent(request, context, 'workspace-invitation-declined', found.workspace, current.user.id, found.email, [
		found.inviterId,
	])
	return { ok: true, name: found.workspace.name }
}
