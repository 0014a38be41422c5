/**
 * "Change email" in Settings, on the server: after the proof the owner
 * gives (email-change-code.server.ts says which), a link to the new address
 * (the change happens only when it is followed, on /change-email) and a
 * notice to the current one.
 */
import { THROTTLE_RULES } from '#app/lib/throttle-rules.server.ts'
import { auth } from '#app/lib/auth/better-auth.server.ts'
import { emailChangeNoticeMessage, sendMailInBackground } from '#app/lib/mail.server.ts'
import type { ContextReader } from '#app/context.server.ts'
import { recordSecurityEvent } from '#app/lib/auth/security-events.server.ts'
import { authHeaders, type CurrentSession } from '#app/lib/auth/session.server.ts'
import { takeAttempt } from '#app/lib/throttle.server.ts'
import { emailChangeProofOf, spendEmailChangeCode } from './email-change-code.server.ts'
import { checkCurrentPassword } from './password-check.server.ts'

export type EmailChangeResult = { ok: true } | { ok: false; reason: 'incorrect-password' | 'same-email' | 'code-required' | 'wrong-code' }

/**
 * After the proof that the owner asks (the current password; for an account
 * without one, a sign-in within 5 minutes or the code mailed to the current
 * address — never nothing): a link to the new address (the change happens
 * only when it is followed) and a notice to the current one. An address
 * that already has an account gets nothing, and the answer is the same.
 */
export async function requestEmailChange(
	request: Request,
	context: ContextReader,
	current: CurrentSession,
	input: { newEmail: string; currentPassword?: string; code?: string },
): Promise<EmailChangeResult> {
	const userId = current.user.id
	if (input.newEmail === current.user.email.toLowerCase()) return { ok: false, reason: 'same-email' }
	const proof = await emailChangeProofOf(current)
	if (proof === 'password') {
		if (!input.currentPassword || !(await checkCurrentPassword(request, context, userId, input.currentPassword)))
			return { ok: false, reason: 'incorrect-password' }
	} else if (input.code) {
		// A code given is checked (and spent), however recent the sign-in.
		if (!(await spendEmailChangeCode(userId, input.code))) return { ok: false, reason: 'wrong-code' }
	} else if (proof !== 'recent-sign-in') {
		return { ok: false, reason: 'code-required' }
	}
	await takeAttempt(THROTTLE_RULES.emailChangePerUser, userId)
	await auth.api.changeEmail({ body: { newEmail: input.newEmail, callbackURL: '/settings' }, headers: authHeaders(request, context) })
	void sendMailInBackground(emailChangeNoticeMessage(current.user.email, input.newEmail))
	await recordSecurityEvent(request, context, { type: 'email-change-requested', userId, sessionId: current.session.id })
	return { ok: true }
}
