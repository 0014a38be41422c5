/**
 * What the account pages do on the server (issue 5): password reset, email
 * verification, and the settings actions. Each calls auth.api on the server
 * (never the browser client; the matching HTTP routes are disabled) behind
 * the app's own database-backed throttles, and hands back what the route
 * needs: a Set-Cookie to forward, or a reason to show a form error.
 */
import { and, desc, eq, gt } from 'drizzle-orm'
import { APIError } from 'better-auth/api'
import { auth, deleteOutstandingResetTokens } from '#app/lib/auth/better-auth.server.ts'
import { db } from './db.server.ts'
import { describeDevice, displayIp } from '#app/lib/auth/device.server.ts'
import { session as sessionTable } from './db/schema.ts'
import { logger } from './logger.server.ts'
import { clientIpContext, tasksApiContext, type ContextReader } from '#app/context.server.ts'
import { recordSecurityEvent } from '#app/lib/auth/security-events.server.ts'
import { authHeaders, type CurrentSession } from '#app/lib/auth/session.server.ts'
import { clear, giveBack, recordHit, takeAttempt, ThrottledError, type ThrottleRule } from './throttle.server.ts'

export { describeDevice, displayIp }

export const ACCOUNT_RULES = {
	forgotPasswordPerIp: { name: 'forgot-password:ip', limit: 20, windowSeconds: 15 * 60 },
	/** Beyond this the answer stays the same, but no more mail goes out. */
	forgotPasswordPerEmail: { name: 'forgot-password:email', limit: 3, windowSeconds: 60 * 60 },
	resetPasswordPerIp: { name: 'reset-password:ip', limit: 30, windowSeconds: 15 * 60 },
	resendVerificationPerIp: { name: 'verify-resend:ip', limit: 20, windowSeconds: 15 * 60 },
	resendVerificationPerEmail: { name: 'verify-resend:email', limit: 3, windowSeconds: 60 * 60 },
	/** Wrong current passwords on /settings (change password, delete account). */
	passwordFailuresPerUser: { name: 'account-password-failure:user', limit: 5, windowSeconds: 15 * 60 },
} satisfies Record<string, ThrottleRule>

function clientIp(context: ContextReader): string {
	return context.get(clientIpContext) ?? 'unknown'
}

async function hitOrThrow(rule: ThrottleRule, subject: string) {
	const state = await recordHit(rule, subject)
	if (state.count > rule.limit) throw new ThrottledError(state.retryAfterSeconds)
}

/** The same minimum duration whichever branch ran (no timing oracle). */
export async function atLeast<T>(ms: number, work: () => Promise<T>): Promise<T> {
	const start = Date.now()
	try {
		return await work()
	} finally {
		const remaining = ms - (Date.now() - start)
		if (remaining > 0) await new Promise((resolve) => setTimeout(resolve, remaining))
	}
}

export const NEUTRAL_RESPONSE_MS = 400

// ---------------------------------------------------------------- reset

/**
 * Sends a reset link if the account exists; says nothing either way. Throws
 * ThrottledError only for the per-IP limit (that reveals nothing about the
 * email); the per-email limit silently stops sending.
 */
export async function requestPasswordReset(context: ContextReader, request: Request, email: string) {
	await hitOrThrow(ACCOUNT_RULES.forgotPasswordPerIp, clientIp(context))
	await atLeast(NEUTRAL_RESPONSE_MS, async () => {
		const perEmail = await recordHit(ACCOUNT_RULES.forgotPasswordPerEmail, email)
		if (perEmail.count > ACCOUNT_RULES.forgotPasswordPerEmail.limit) return
		await auth.api.requestPasswordReset({
			body: { email },
			headers: authHeaders(request, context),
		})
	})
	logger.info({ event: 'password-reset-requested' }, 'password reset requested')
}

/** True while the token is unused and unexpired. */
export async function isResetTokenUsable(token: string | null | undefined): Promise<boolean> {
	if (!token || token.length > 2048) return false
	const ctx = await auth.$context
	const verification = await ctx.internalAdapter.findVerificationValue(`reset-password:${token}`)
	return Boolean(verification && verification.expiresAt > new Date())
}

/** The account a reset token belongs to (id and email), while the token is unused. */
export async function resetTokenAccount(token: string | null | undefined): Promise<{ userId: string; email: string } | null> {
	if (!token || token.length > 2048) return null
	const ctx = await auth.$context
	const userId = (await ctx.internalAdapter.findVerificationValue(`reset-password:${token}`))?.value
	const found = userId ? await ctx.internalAdapter.findUserById(userId) : null
	return found ? { userId: found.id, email: found.email } : null
}

export type ResetResult = { ok: true } | { ok: false; reason: 'invalid-token' }

/** Sets the new password, spends the token and ends every session of the user. */
export async function resetPassword(
	request: Request,
	context: ContextReader,
	input: { token: string; newPassword: string },
): Promise<ResetResult> {
	await hitOrThrow(ACCOUNT_RULES.resetPasswordPerIp, clientIp(context))
	// Whose password this is (the token's row), read before the token is spent.
	const userId = (await resetTokenAccount(input.token))?.userId
	try {
		await auth.api.resetPassword({
			body: { token: input.token, newPassword: input.newPassword },
			headers: authHeaders(request, context),
		})
		logger.info({ event: 'password-reset' }, 'password reset; all sessions of the user ended')
		if (userId) await recordSecurityEvent(request, context, { type: 'password-reset', userId })
		return { ok: true }
	} catch (error) {
		if (error instanceof APIError && error.statusCode === 400) return { ok: false, reason: 'invalid-token' }
		throw error
	}
}

// --------------------------------------------------------- verification

export async function resendVerification(request: Request, context: ContextReader, email: string) {
	await hitOrThrow(ACCOUNT_RULES.resendVerificationPerIp, clientIp(context))
	const perEmail = await recordHit(ACCOUNT_RULES.resendVerificationPerEmail, email)
	await atLeast(NEUTRAL_RESPONSE_MS, async () => {
		if (perEmail.count > ACCOUNT_RULES.resendVerificationPerEmail.limit) return
		// Without a session Better Auth answers the same (after a time floor)
		// whether the email is unknown, verified or waiting.
		const headers = authHeaders(request, context)
		headers.delete('cookie')
		await auth.api.sendVerificationEmail({ body: { email }, headers })
	})
}

export type VerifyResult = { ok: true } | { ok: false; reason: 'expired' | 'invalid' }

export async function verifyEmail(token: string): Promise<VerifyResult> {
	if (token.length > 2048) return { ok: false, reason: 'invalid' }
	try {
		await auth.api.verifyEmail({ query: { token } })
		logger.info({ event: 'email-verified' }, 'email verified')
		return { ok: true }
	} catch (error) {
		if (error instanceof APIError) {
			return { ok: false, reason: error.body?.code === 'TOKEN_EXPIRED' ? 'expired' : 'invalid' }
		}
		throw error
	}
}

// -------------------------------------------------------------- settings

export async function updateName(request: Request, context: ContextReader, name: string): Promise<Headers> {
	const { headers } = await auth.api.updateUser({
		body: { name },
		headers: authHeaders(request, context),
		returnHeaders: true,
	})
	return headers
}

function failedPasswordCheck(userId: string) {
	logger.info({ event: 'account-password-check-failed', userId }, 'wrong current password')
}

/**
 * Runs a check of the user's current password behind the per-user throttle:
 * the attempt is counted before the check (parallel attempts cannot
 * overtake the counter) and handed back unless the password was wrong.
 */
export async function withPasswordAttempt<T>(userId: string, check: () => Promise<T>, isWrong: (result: T) => boolean): Promise<T> {
	await takeAttempt(ACCOUNT_RULES.passwordFailuresPerUser, userId)
	let wrong = false
	try {
		const result = await check()
		wrong = isWrong(result)
		return result
	} finally {
		if (!wrong) await giveBack(ACCOUNT_RULES.passwordFailuresPerUser, userId)
	}
}

export function isInvalidPassword(error: unknown) {
	return error instanceof APIError && error.body?.code === 'INVALID_PASSWORD'
}

/**
 * Whether `password` is the signed-in user's current password (verified by
 * Better Auth on the server), behind the per-user throttle of wrong passwords.
 */
export async function checkCurrentPassword(request: Request, context: ContextReader, userId: string, password: string): Promise<boolean> {
	return withPasswordAttempt(
		userId,
		async () => {
			try {
				await auth.api.verifyPassword({ body: { password }, headers: authHeaders(request, context) })
				return true
			} catch (error) {
				if (isInvalidPassword(error)) {
					failedPasswordCheck(userId)
					return false
				}
				throw error
			}
		},
		(ok) => !ok,
	)
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

export type SessionSummary = {
	id: string
	device: string
	ipAddress: string | null
	lastActiveAt: string
	createdAt: string
	current: boolean
}

/** The user's unexpired sessions, this one first. Never their tokens. */
export async function listSessions(current: CurrentSession): Promise<SessionSummary[]> {
	const rows = await db
		.select({
			id: sessionTable.id,
			userAgent: sessionTable.userAgent,
			ipAddress: sessionTable.ipAddress,
			createdAt: sessionTable.createdAt,
			updatedAt: sessionTable.updatedAt,
		})
		.from(sessionTable)
		.where(and(eq(sessionTable.userId, current.user.id), gt(sessionTable.expiresAt, new Date())))
		.orderBy(desc(sessionTable.updatedAt))
		.limit(100)
	return rows
		.map((row) => ({
			id: row.id,
			device: describeDevice(row.userAgent),
			ipAddress: displayIp(row.ipAddress),
			lastActiveAt: row.updatedAt.toISOString(),
			createdAt: row.createdAt.toISOString(),
			current: row.id === current.session.id,
		}))
		.sort((a, b) => Number(b.current) - Number(a.current))
}

/** Ends one of the user's other sessions; false when it is not theirs. */
export async function revokeSession(
	request: Request,
	context: ContextReader,
	current: CurrentSession,
	sessionId: string,
): Promise<boolean> {
	const [row] = await db
		.select({ token: sessionTable.token })
		.from(sessionTable)
		.where(and(eq(sessionTable.id, sessionId), eq(sessionTable.userId, current.user.id)))
	if (!row) return false
	await auth.api.revokeSession({ body: { token: row.token }, headers: authHeaders(request, context) })
	logger.info({ event: 'session-revoked', userId: current.user.id }, 'session revoked')
	await recordSecurityEvent(request, context, { type: 'session-revoked', userId: current.user.id, sessionId })
	return true
}

export async function revokeOtherSessions(request: Request, context: ContextReader, userId: string, currentSessionId?: string) {
	const others = await db
		.select({ id: sessionTable.id })
		.from(sessionTable)
		.where(and(eq(sessionTable.userId, userId), gt(sessionTable.expiresAt, new Date())))
	await auth.api.revokeOtherSessions({ headers: authHeaders(request, context) })
	logger.info({ event: 'other-sessions-revoked', userId }, 'other sessions revoked')
	// One event per session that ended (its id), not the current one.
	for (const other of others) {
		if (other.id === currentSessionId) continue
		await recordSecurityEvent(request, context, { type: 'session-revoked', userId, sessionId: other.id })
	}
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
	await clear(ACCOUNT_RULES.passwordFailuresPerUser, userId)
	logger.info({ event: 'account-deleted', userId }, 'account deleted')
	await recordSecurityEvent(request, context, { type: 'account-deleted', userId })
	return { ok: true, headers: result.headers }
}
