/**
 * The account forms of Settings on the server: the name, the password, and
 * deleting the account. Each calls auth.api on the server (never the
 * browser client; the matching HTTP routes are disabled), wrong current
 * passwords behind the per-user throttle (password-check.server.ts), and
 * hands back what the intent needs: a Set-Cookie to forward, or a reason to
 * show a form error.
 */
import { auth, deleteOutstandingResetTokens } from '#app/lib/auth/better-auth.server.ts'
import { THROTTLE_RULES } from '#app/lib/throttle-rules.server.ts'
import { revokeAllAccessTokensOf } from '#app/lib/access-tokens/tokens.server.ts'
import { logger } from '#app/lib/logger.server.ts'
import type { ContextReader } from '#app/context.server.ts'
import { recordSecurityEvent } from '#app/lib/auth/security-events.server.ts'
import { authHeaders } from '#app/lib/auth/session.server.ts'
import { clear } from '#app/lib/throttle.server.ts'
import { tasksApiContext } from '#app/context.server.ts'
import { TasksApiConflictError } from '#app/lib/tasks-api/errors.server.ts'
import { workspacesOnlyOwnedBy } from '#app/routes/workspaces/+shared/workspace-lifecycle.server.ts'
import { checkCurrentPassword, failedPasswordCheck, isInvalidPassword, withPasswordAttempt } from './password-check.server.ts'

export async function updateName(request: Request, context: ContextReader, name: string): Promise<Headers> {
	const { headers } = await auth.api.updateUser({
		body: { name },
		headers: authHeaders(request, context),
		returnHeaders: true,
	})
	return headers
}

export type PasswordCheckedResult = { ok: true; headers: Headers } | { ok: false; reason: 'incorrect-password' }

export async function changePassword(
	request: Request,
	context: ContextReader,
	userId: string,
	sessionId: string | null,
	input: { currentPassword: string; newPassword: string; revokeOtherSessions: boolean },
): Promise<PasswordCheckedResult> {
	return withPasswordAttempt(
		userId,
		async (): Promise<PasswordCheckedResult> => {
			try {
				const { headers } = await auth.api.changePassword({
					body: input,
					headers: authHeaders(request, context),
					returnHeaders: true,
				})
				// A reset link mailed before the change must not undo it.
				await deleteOutstandingResetTokens(userId)
				logger.info({ event: 'password-changed', userId, revokedOtherSessions: input.revokeOtherSessions }, 'password changed')
				await recordSecurityEvent(request, context, { type: 'password-changed', userId, sessionId })
				return { ok: true, headers }
			} catch (error) {
				if (isInvalidPassword(error)) {
					failedPasswordCheck(userId)
					return { ok: false, reason: 'incorrect-password' }
				}
				throw error
			}
		},
		(result) => !result.ok,
	)
}

/**
 * The task API refused (409): the user is the only owner of workspaces
 * others belong to. `workspaces`: their names.
 */
export class OnlyOwnerError extends Error {
	constructor(readonly workspaces: string[]) {
		super('The user is the only owner of workspaces with other members')
	}
}

/** The workspace ids a 409's extra members name, if it names any (`workspaces: [{ id }]` or `workspaceIds: [id]`). */
function workspaceIdsIn(extra: unknown): string[] | undefined {
	const value = extra as { workspaces?: unknown; workspaceIds?: unknown } | null | undefined
	const list = Array.isArray(value?.workspaceIds) ? value.workspaceIds : Array.isArray(value?.workspaces) ? value.workspaces : undefined
	if (!list) return undefined
	const ids = list.map((item) => (typeof item === 'string' ? item : (item as { id?: unknown })?.id)).filter((id) => typeof id === 'string')
	return ids.length ? ids : undefined
}

/**
 * DELETE /v1/me/tasks on the task API, as this user, through the app's one
 * task API client (a JWT minted on the server, never seen by the browser).
 */
async function deleteAllTasksOf(_request: Request, context: ContextReader): Promise<void> {
	await context.get(tasksApiContext).deleteAllMyTasks()
}

export type DeleteAccountResult =
	| { ok: true; headers: Headers }
	| { ok: false; reason: 'incorrect-password' | 'tasks-unavailable' }
	| { ok: false; reason: 'only-owner'; workspaces: string[] }

/**
 * Password first; then the account goes (eraseAccount).
 */
export async function deleteAccount(
	request: Request,
	context: ContextReader,
	userId: string,
	password: string,
	deleteTasks: (request: Request, context: ContextReader) => Promise<void> = deleteAllTasksOf,
): Promise<DeleteAccountResult> {
	const headers = authHeaders(request, context)
	if (!(await checkCurrentPassword(request, context, userId, password))) return { ok: false, reason: 'incorrect-password' }
	return eraseAccount(request, context, userId, {
		deleteTasks: () => deleteTasks(request, context),
		deleteUser: async () => (await auth.api.deleteUser({ body: { password }, headers, returnHeaders: true })).headers,
	})
}

/**
 * Deleting an account once it is decided (its owner gave the password, or
 * an admin confirmed with the email: routes/admin/+shared/user-actions.server.ts),
 * one path for both: the tasks through the task API first (if that fails
 * nothing is deleted; it refuses, 409, while the account is the only owner
 * of a workspace others belong to); then its access tokens (revoked at the
 * task API, so JWTs minted from them stop at once); then the user (Better Auth deletes its
 * sessions and accounts; the workspace memberships go with it,
 * member.user_id cascading), and the event in its log.
 */
export async function eraseAccount(
	request: Request,
	context: ContextReader,
	userId: string,
	steps: { deleteTasks: () => Promise<void>; deleteUser: () => Promise<Headers> },
): Promise<Exclude<DeleteAccountResult, { reason: 'incorrect-password' }>> {
	try {
		await steps.deleteTasks()
		// Its access tokens and command lines: JWTs minted from them end within 1 s.
		await revokeAllAccessTokensOf(userId)
	} catch (error) {
		// Their workspaces would be left without an owner: nothing is deleted.
		if (error instanceof TasksApiConflictError) {
			const named = await workspacesOnlyOwnedBy(userId, workspaceIdsIn(error.extra))
			return { ok: false, reason: 'only-owner', workspaces: named.length ? named : await workspacesOnlyOwnedBy(userId) }
		}
		if (error instanceof OnlyOwnerError) return { ok: false, reason: 'only-owner', workspaces: error.workspaces }
		logger.error({ err: error, userId }, 'account deletion stopped: the tasks could not be deleted')
		return { ok: false, reason: 'tasks-unavailable' }
	}
	const headers = await steps.deleteUser()
	await clear(THROTTLE_RULES.passwordFailuresPerUser, userId)
	logger.info({ event: 'account-deleted', userId }, 'account deleted')
	await recordSecurityEvent(request, context, { type: 'account-deleted', userId })
	return { ok: true, headers }
}
