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
import { logger } from '#app/lib/logger.server.ts'
import type { ContextReader } from '#app/context.server.ts'
import { recordSecurityEvent } from '#app/lib/auth/security-events.server.ts'
import { authHeaders } from '#app/lib/auth/session.server.ts'
import { clear } from '#app/lib/throttle.server.ts'
import { tasksApiContext } from '#app/context.server.ts'
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

export class TasksDeletionError extends Error {
	constructor(cause?: unknown) {
		super('Could not delete the user’s tasks', { cause })
	}
}

/**
 * DELETE /v1/me/tasks on the task API, as this user, through the app's one
 * task API client (a JWT minted on the server, never seen by the browser).
 */
async function deleteAllTasksOf(_request: Request, context: ContextReader): Promise<void> {
	try {
		await context.get(tasksApiContext).deleteAllMyTasks()
	} catch (error) {
		throw new TasksDeletionError(error)
	}
}

export type DeleteAccountResult = { ok: true; headers: Headers } | { ok: false; reason: 'incorrect-password' | 'tasks-unavailable' }

/**
 * Password first; then the user's tasks through the task API (if that
 * fails nothing is deleted); then the user (Better Auth deletes its
 * sessions and accounts and expires the cookie).
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
	try {
		await deleteTasks(request, context)
	} catch (error) {
		logger.error({ err: error, userId }, 'account deletion stopped: the tasks could not be deleted')
		return { ok: false, reason: 'tasks-unavailable' }
	}
	const result = await auth.api.deleteUser({ body: { password }, headers, returnHeaders: true })
	await clear(THROTTLE_RULES.passwordFailuresPerUser, userId)
	logger.info({ event: 'account-deleted', userId }, 'account deleted')
	await recordSecurityEvent(request, context, { type: 'account-deleted', userId })
	return { ok: true, headers: result.headers }
}
