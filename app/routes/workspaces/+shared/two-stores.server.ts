/**
 * What every change to who belongs to a workspace, and to the workspace
 * itself, is built from on the server (workspace-lifecycle.server.ts,
 * invitations.server.ts, member-changes.server.ts). Each change touches two
 * stores: Better Auth's organization tables
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
import { and, eq } from 'drizzle-orm'
import { APIError } from 'better-auth/api'
import type { ContextReader } from '#app/context.server.ts'
import { recordSecurityEvent, type SecurityEventType } from '#app/lib/auth/security-events.server.ts'
import { db } from '#app/lib/db.server.ts'
import { member } from '#app/lib/db/schema.ts'
import { getEnv } from '#app/lib/env.server.ts'
import { logger } from '#app/lib/logger.server.ts'
import {
	TasksApiConflictError,
	TasksApiForbiddenError,
	TasksApiRateLimitedError,
	TasksApiUnavailableError,
	TasksApiValidationError,
} from '#app/lib/tasks-api/errors.server.ts'
import { throttleMessage } from '#app/lib/throttle.server.ts'
import { LAST_OWNER_REFUSAL, type WorkspaceRole } from '#common/workspace-roles.ts'
import type { CurrentWorkspace } from './workspace.server.ts'

/** A change that did not happen: the message for the form (on `field` when given) and the page's status. */
export type Refusal = { ok: false; status: number; message: string; field?: string }
export type Outcome<Done extends object = object> = ({ ok: true } & Done) | Refusal

export const UNAVAILABLE_MESSAGE = "Workspaces can't be changed just now: nothing was changed. Try again in a moment."

export const refuse = (status: number, message: string, field?: string): Refusal =>
	field ? { ok: false, status, message, field } : { ok: false, status, message }

export const workspacesLimitMessage = () =>
	`You can belong to at most ${getEnv().WORKSPACES_PER_ACCOUNT} workspaces: leave or delete one before creating another.`
export const membersLimitMessage = () =>
	`This workspace has reached its limit of ${getEnv().WORKSPACE_MAX_MEMBERS} people (pending invitations included): remove someone or revoke an invitation first.`

/**
 * What a task API refusal or failure says on the form. `messages` replaces
 * the wording of a 404 (what was no longer there) or a 422 (a limit).
 */
export function refusalOf(error: unknown, messages: { notFound?: string; invalid?: string } = {}): Refusal {
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

export const codeOf = (error: unknown): string | undefined =>
	error instanceof APIError ? (error.body as { code?: string } | undefined)?.code : undefined

/** Runs an undo of a Better Auth change; a failure is logged (the task API never gave the access, so nothing is open). */
export async function undo(what: string, work: () => Promise<unknown>): Promise<void> {
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
export async function follow(what: string, viaAuth: () => Promise<unknown>, directly: () => Promise<unknown>): Promise<void> {
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
export async function recordWorkspaceEvent(
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

export async function memberIdOf(workspaceId: string, userId: string): Promise<string | null> {
	const [row] = await db
		.select({ id: member.id })
		.from(member)
		.where(and(eq(member.organizationId, workspaceId), eq(member.userId, userId)))
	return row?.id ?? null
}

export async function setRoleDirectly(workspaceId: string, userId: string, role: WorkspaceRole) {
	await db
		.update(member)
		.set({ role })
		.where(and(eq(member.organizationId, workspaceId), eq(member.userId, userId)))
}

export async function deleteMembershipDirectly(workspaceId: string, userId: string) {
	await db.delete(member).where(and(eq(member.organizationId, workspaceId), eq(member.userId, userId)))
}
