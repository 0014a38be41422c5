/**
 * Password reset on the server (/forgot-password, /reset-password): the
 * mailed link, its token, and the new password. Calls auth.api on the
 * server (the matching HTTP routes are disabled) behind the app's own
 * database-backed throttles.
 */
import { APIError } from 'better-auth/api'
import { THROTTLE_RULES } from '#app/lib/throttle-rules.server.ts'
import { auth } from '#app/lib/auth/better-auth.server.ts'
import { logger } from '#app/lib/logger.server.ts'
import { clientIpOf, type ContextReader } from '#app/context.server.ts'
import { recordSecurityEvent } from '#app/lib/auth/security-events.server.ts'
import { authHeaders } from '#app/lib/auth/session.server.ts'
import { recordHit, takeAttempt } from '#app/lib/throttle.server.ts'
import { atLeast, NEUTRAL_RESPONSE_MS } from './neutral-answer.server.ts'

/**
 * Sends a reset link if the account exists; says nothing either way. Throws
 * ThrottledError only for the per-IP limit (that reveals nothing about the
 * email); the per-email limit silently stops sending.
 */
export async function requestPasswordReset(context: ContextReader, request: Request, email: string) {
	await takeAttempt(THROTTLE_RULES.forgotPasswordPerIp, clientIpOf(context))
	await atLeast(NEUTRAL_RESPONSE_MS, async () => {
		const perEmail = await recordHit(THROTTLE_RULES.forgotPasswordPerEmail, email)
		if (perEmail.count > THROTTLE_RULES.forgotPasswordPerEmail.limit) return
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
	await takeAttempt(THROTTLE_RULES.resetPasswordPerIp, clientIpOf(context))
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
