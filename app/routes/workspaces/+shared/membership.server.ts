/**
 * Every change to who belongs to a workspace, and to the workspace itself,
 * on the server. Each touches two stores: Better Auth's organization tables
 * (what the app's pages show: the switcher, the members page, invitations)
 * and the task API's own copy of the memberships (what authorizes every
 * task request, at the moment of the request). So the order is a rule:
 *
 * - Taking access away (remove a member, leave, a downgrade, revoke an
 *   invitation, delete the workspace): the task API first. It is the
 *   authority, and it refuses what the caller's current role does not allow
 *   (its `detail` is shown on the form: a forged POST gets the same answer
 *   as a button that is not there). Only once it has agreed does Better Auth
 *   follow; should Better Auth's own checks refuse what the authority has
 *   already done, its tables are brought in line directly (logged), so the
 *   two never disagree in the direction of more access.
 * - Giving access (create a workspace, accept an invitation, an upgrade,
 *   transfer ownership): Better Auth first, then the task API. If the task
 *   API refuses or fails, the Better Auth change is undone where possible
 *   (the organization deleted again, the membership removed and the
 *   invitation pending again, the role put back) and the error is shown.
 *   Until the task API agrees, the new access is only visible, never usable:
 *   every task request is decided by the task API.
 * - Invitations: Better Auth's createInvitation first (its id is the
 *   invitation's id in both stores; its sendInvitationEmail is a no-op), then
 *   `invite` on the task API; if that refuses, the Better Auth invitation is
 *   cancelled and the message shown; only then is the mail sent.
 * - Declining an invitation is Better Auth's rejectInvitation alone: the
 *   invitee is not a member, so the task API would refuse them a revoke.
 *   The task API's pending copy can no longer be used (accepting starts
 *   with Better Auth, which refuses a rejected invitation) and expires with
 *   the invitation (7 days); until then it counts towards
 *   WORKSPACE_MAX_MEMBERS there, so when an invite is refused for that
 *   limit, the inviter's request first revokes on the task API the
 *   invitations Better Auth no longer holds as pending, then tries once more.
 * - Renaming touches Better Auth alone (the task API keeps no names).
 *
 * Each change is recorded as a security event (security-events.server.ts)
 * in the activity of every account concerned, the actor's own row being the
 * one the workspace's Activity page lists.
 */
import { and, eq, gt, inArray } from 'drizzle-orm'
import { APIError } from 'better-auth/api'
import type { ContextReader } from '#app/context.server.ts'
import { auth } from '#app/lib/auth/better-auth.server.ts'
import { recordSecurityEvent, type SecurityEventType } from '#app/lib/auth/security-events.server.ts'
import { authHeaders, type CurrentSession } from '#app/lib/auth/session.server.ts'
import { db } from '#app/lib/db.server.ts'
import { invitation, member, organization, user } from '#app/lib/db/schema.ts'
import { getEnv } from '#app/lib/env.server.ts'
import { logger } from '#app/lib/logger.server.ts'
import { invitationMessage, sendMailInBackground } from '#app/lib/mail.server.ts'
import {
	TasksApiConflictError,
	TasksApiForbiddenError,
	TasksApiRateLimitedError,
	TasksApiUnavailableError,
	TasksApiValidationError,
} from '#app/lib/tasks-api/errors.server.ts'
import { createWorkspacesApi } from '#app/lib/tasks-api/workspaces-client.server.ts'
import { takeAttempt, throttleMessage } from '#app/lib/throttle.server.ts'
import { THROTTLE_RULES } from '#app/lib/throttle-rules.server.ts'
import { isWorkspaceRole, LAST_OWNER_REFUSAL, memberRefusal, ROLE_LABELS, type WorkspaceRole } from '#common/workspace-roles.ts'
import type { CurrentWorkspace } from './workspace.server.ts'
import { INVITATION_GONE_MESSAGE, SLUG_TAKEN_MESSAGE } from './schemas.ts'

export { INVITATION_GONE_MESSAGE }

/** A change that did not happen: the message for the form (on `field` when given) and the page's status. */
export type Refusal = { ok: false; status: number; message: string; field?: string }
export type Outcome<Done extends object = object> = ({ ok: true } & Done) | Refusal

export const UNAVAILABLE_MESSAGE = "Workspaces can't be changed just now: nothing was changed. Try again in a moment."

const refuse = (status: number, message: string, field?: string): Refusal =>
	field ? { ok: false, status, message, field } : { ok: false, status, message }

const workspacesLimitMessage = () =>
	`You can belong to at most ${getEnv().WORKSPACES_PER_ACCOUNT} workspaces: leave or delete one before creating another.`
const membersLimitMessage = () =>
	`This workspace has reached its limit of ${getEnv().WORKSPACE_MAX_MEMBERS} people (pending invitations included): remove someone or revoke an invitation first.`

/** Strongest first: an upgrade gives access, a downgrade takes it away. */
const RANK: Record<WorkspaceRole, number> = { owner: 3, admin: 2, member: 1, viewer: 0 }

/**
 * What a task API refusal or failure says on the form. `messages` replaces
 * the wording of a 404 (what was no longer there) or a 422 (a limit).
 */
function refusalOf(error: unknown, messages: { notFound?: string; invalid?: string } = {}): Refusal {
	if (error instanceof TasksApiForbiddenError) return refuse(403, error.detail)
	if (error instanceof TasksApiConflictError) return refuse(409, error.detail || LAST_OWNER_REFUSAL)
	if (error instanceof TasksApiValidationError) {
		return refuse(422, messages.invalid ?? (error.errors.map((e) => e.message).join(' ') || 'The task API refused this change.'))
	}
	if (error instanceof Response && error.status === 404)
		return refuse(404, messages.notFound ?? 'That is no longer part of this workspace.')
	if (error instanceof TasksApiRateLimitedError) return refuse(429, throttleMessage(error.retryAfterSeconds))
	if (error instanceof TasksApiUnavailableError) return refuse(503, UNAVAILABLE_MESSAGE)
	throw error
}

const codeOf = (error: unknown): string | undefined =>
	error instanceof APIError ? (error.body as { code?: string } | undefined)?.code : undefined

/** Runs an undo of a Better Auth change; a failure is logged (the task API never gave the access, so nothing is open). */
async function undo(what: string, work: () => Promise<unknown>): Promise<void> {
	try {
		await work()
	} catch (error) {
		logger.error({ err: error, undo: what }, 'could not undo a Better Auth change after the task API refused it')
	}
}

/**
 * Better Auth following a change the task API (the authority) has already
 * made: through auth.api, or, should its own checks refuse, directly.
 */
async function follow(what: string, viaAuth: () => Promise<unknown>, directly: () => Promise<unknown>): Promise<void> {
	try {
		await viaAuth()
	} catch (error) {
		if (!(error instanceof APIError)) throw error
		logger.warn({ err: error, follow: what }, 'Better Auth refused a change the task API had made: applied directly')
		await directly()
	}
}

type EventWorkspace = Pick<CurrentWorkspace, 'id' | 'name'>

/** One event in the activity of the actor and of every other account concerned. */
async function recordWorkspaceEvent(
	request: Request,
	context: ContextReader,
	type: SecurityEventType,
	workspace: EventWorkspace,
	actorId: string,
	detail: string | null,
	concerned: string[] = [],
): Promise<void> {
	for (const userId of new Set([actorId, ...concerned])) {
		await recordSecurityEvent(request, context, { type, userId, workspace: { id: workspace.id, name: workspace.name, actorId, detail } })
	}
}

async function memberIdOf(workspaceId: string, userId: string): Promise<string | null> {
	const [row] = await db
		.select({ id: member.id })
		.from(member)
		.where(and(eq(member.organizationId, workspaceId), eq(member.userId, userId)))
	return row?.id ?? null
}

async function setRoleDirectly(workspaceId: string, userId: string, role: WorkspaceRole) {
	await db
		.update(member)
		.set({ role })
		.where(and(eq(member.organizationId, workspaceId), eq(member.userId, userId)))
}

async function deleteMembershipDirectly(workspaceId: string, userId: string) {
	await db.delete(member).where(and(eq(member.organizationId, workspaceId), eq(member.userId, userId)))
}

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

// ---------------------------------------------------------------- the workspace

export async function createWorkspace(
	request: Request,
	context: ContextReader,
	current: CurrentSession,
	input: { name: string; slug: string },
): Promise<Outcome<{ slug: string }>> {
	let created: { id: string; slug: string; name: string }
	try {
		created = await auth.api.createOrganization({
			body: { name: input.name, slug: input.slug, keepCurrentActiveOrganization: true },
			headers: authHeaders(request, context),
		})
	} catch (error) {
		const code = codeOf(error)
		if (code === 'ORGANIZATION_ALREADY_EXISTS' || code === 'ORGANIZATION_SLUG_ALREADY_TAKEN') return refuse(409, SLUG_TAKEN_MESSAGE, 'slug')
		if (code === 'YOU_HAVE_REACHED_THE_MAXIMUM_NUMBER_OF_ORGANIZATIONS') return refuse(403, workspacesLimitMessage())
		throw error
	}
	try {
		await createWorkspacesApi(request, context, current).createWorkspace(created.id)
	} catch (error) {
		const refusal = refusalOf(error, { invalid: workspacesLimitMessage() })
		await undo('create workspace', () => db.delete(organization).where(eq(organization.id, created.id)))
		return refusal
	}
	await recordWorkspaceEvent(request, context, 'workspace-created', created, current.user.id, null)
	return { ok: true, slug: created.slug }
}

/** Better Auth alone: the task API keeps no names. Owners only (Better Auth's organization:update). */
export async function renameWorkspace(
	request: Request,
	context: ContextReader,
	current: CurrentSession,
	workspace: CurrentWorkspace,
	name: string,
): Promise<Outcome> {
	if (name === workspace.name) return { ok: true }
	try {
		await auth.api.updateOrganization({ body: { organizationId: workspace.id, data: { name } }, headers: authHeaders(request, context) })
	} catch (error) {
		if (error instanceof APIError) return refuse(403, 'Only owners can rename this workspace.')
		throw error
	}
	await recordWorkspaceEvent(
		request,
		context,
		'workspace-renamed',
		{ id: workspace.id, name },
		current.user.id,
		`“${workspace.name}” → “${name}”`,
	)
	return { ok: true }
}

export async function deleteWorkspace(
	request: Request,
	context: ContextReader,
	current: CurrentSession,
	workspace: CurrentWorkspace,
): Promise<Outcome> {
	try {
		await createWorkspacesApi(request, context, current).deleteWorkspace(workspace.id)
	} catch (error) {
		return refusalOf(error, { notFound: 'This workspace no longer exists.' })
	}
	await follow(
		'delete workspace',
		() => auth.api.deleteOrganization({ body: { organizationId: workspace.id }, headers: authHeaders(request, context) }),
		() => db.delete(organization).where(eq(organization.id, workspace.id)),
	)
	const everyone = workspace.people.map((person) => person.userId)
	await recordWorkspaceEvent(request, context, 'workspace-deleted', workspace, current.user.id, null, everyone)
	return { ok: true }
}

// ---------------------------------------------------------------- invitations

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
			// Declined invitations still count there until they expire (see the top of this file).
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

// ---------------------------------------------------------------- members

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

/**
 * The names of the workspaces of which the user is the only owner while
 * others belong to them (what stops an account deletion). `ids`: the
 * workspaces the task API named, when it did.
 */
export async function workspacesOnlyOwnedBy(userId: string, ids?: string[]): Promise<string[]> {
	const mine = db.select({ id: member.organizationId }).from(member).where(eq(member.userId, userId))
	const rows = await db
		.select({ id: organization.id, name: organization.name, userId: member.userId, role: member.role })
		.from(member)
		.innerJoin(organization, eq(organization.id, member.organizationId))
		.where(inArray(member.organizationId, mine))
	const byWorkspace = new Map<string, { name: string; owners: string[]; people: number }>()
	for (const row of rows) {
		const entry = byWorkspace.get(row.id) ?? { name: row.name, owners: [], people: 0 }
		entry.people += 1
		if (row.role === 'owner') entry.owners.push(row.userId)
		byWorkspace.set(row.id, entry)
	}
	return [...byWorkspace.entries()]
		.filter(([id, entry]) => (ids ? ids.includes(id) : entry.people > 1 && entry.owners.length === 1 && entry.owners[0] === userId))
		.map(([, entry]) => entry.name)
		.sort((a, b) => a.localeCompare(b))
}
