/**
 * Proving an address receives mail, on the server: the confirmation link of
 * a new account (/verify-email: use it, or send it again) and the link sent
 * to a new address after an email change in Settings (/change-email). Both
 * are Better Auth's verification tokens, used through auth.api.
 */
import { APIError } from 'better-auth/api'
import { decodeJwt } from 'jose'
import { THROTTLE_RULES } from '#app/lib/throttle-rules.server.ts'
import { auth } from '#app/lib/auth/better-auth.server.ts'
import { logger } from '#app/lib/logger.server.ts'
import { clientIpOf, type ContextReader } from '#app/context.server.ts'
import { recordSecurityEvent } from '#app/lib/auth/security-events.server.ts'
import { authHeaders } from '#app/lib/auth/session.server.ts'
import { recordHit, takeAttempt } from '#app/lib/throttle.server.ts'
import { atLeast, NEUTRAL_RESPONSE_MS } from './neutral-answer.server.ts'

/** `callbackURL`: a same-site path the link leads back to once used (redirectTo). */
export async function resendVerification(request: Request, context: ContextReader, email: string, callbackURL?: string) {
	await takeAttempt(THROTTLE_RULES.resendVerificationPerIp, clientIpOf(context))
	const perEmail = await recordHit(THROTTLE_RULES.resendVerificationPerEmail, email)
	await atLeast(NEUTRAL_RESPONSE_MS, async () => {
		if (perEmail.count > THROTTLE_RULES.resendVerificationPerEmail.limit) return
		// Without a session Better Auth answers the same (after a time floor)
		// whether the email is unknown, verified or waiting.
		const headers = authHeaders(request, context)
		headers.delete('cookie')
		await auth.api.sendVerificationEmail({ body: { email, ...(callbackURL ? { callbackURL } : {}) }, headers })
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

export type EmailChangeConfirmation = VerifyResult

/**
 * Follows the link sent to the new address: the account's email becomes
 * that address, which has now proved it receives mail (so it is verified).
 * Sessions stay.
 */
export async function confirmEmailChange(request: Request, context: ContextReader, token: string): Promise<EmailChangeConfirmation> {
	let claims: { updateTo?: unknown; userId?: unknown; requestType?: unknown }
	try {
		claims = decodeJwt(token)
	} catch {
		return { ok: false, reason: 'invalid' }
	}
	if (typeof claims.updateTo !== 'string' || typeof claims.userId !== 'string' || claims.requestType !== 'change-email-verification') {
		return { ok: false, reason: 'invalid' }
	}
	const outcome = await verifyEmail(token)
	if (!outcome.ok) return outcome
	const ctx = await auth.$context
	const user = await ctx.internalAdapter.findUserById(claims.userId)
	if (!user || user.email !== claims.updateTo) return { ok: false, reason: 'invalid' }
	// Better Auth keeps the old emailVerified; the new address just proved itself.
	if (!user.emailVerified) await ctx.internalAdapter.updateUser(user.id, { emailVerified: true })
	await recordSecurityEvent(request, context, { type: 'email-changed', userId: user.id })
	return { ok: true }
}
