/**
 * The second step of a sign-in with two-factor authentication on
 * (/login/two-factor), on the server: a TOTP code or a backup code, through
 * auth.api (Better Auth's two-factor plugin; its HTTP routes stay closed).
 * The code checks share their throttle and used-code rule with Settings
 * (app/lib/auth/two-factor-attempts.server.ts).
 */
import { APIError } from 'better-auth/api'
import { claimTotpCode, findBackupCode, isWrongCode, withCodeAttempt } from '#app/lib/auth/two-factor-attempts.server.ts'
import { auth } from '#app/lib/auth/better-auth.server.ts'
import type { ContextReader } from '#app/context.server.ts'
import { recordSecurityEvent } from '#app/lib/auth/security-events.server.ts'
import { authHeaders } from '#app/lib/auth/session.server.ts'
import { ThrottledError } from '#app/lib/throttle.server.ts'
import { sessionIdOfToken } from './sign-in.server.ts'

/** The account waiting for its second step (Better Auth's signed two_factor cookie), or null. */
export async function pendingTwoFactorUser(request: Request, context: ContextReader): Promise<string | null> {
	if (!request.headers.get('cookie')) return null
	const { userId } = await auth.api.pendingTwoFactorUser({ headers: authHeaders(request, context) })
	return userId
}

export type SecondStepResult = { ok: true; headers: Headers } | { ok: false; reason: 'wrong-code' | 'expired' }

/**
 * The second step of a sign-in: a TOTP code or a backup code. Only now
 * does Better Auth create the session (and, with trustDevice, its signed
 * trust_device cookie for 30 days).
 */
export async function verifySignInCode(
	request: Request,
	context: ContextReader,
	input: { kind: 'totp' | 'backup'; code: string; trustDevice: boolean },
): Promise<SecondStepResult> {
	const userId = await pendingTwoFactorUser(request, context)
	if (!userId) return { ok: false, reason: 'expired' }
	const headers = authHeaders(request, context)
	const code = input.code.trim()
	type Passed = { headers: Headers; token: string | undefined }
	const outcome = await withCodeAttempt<Passed | 'expired' | null>(userId, async () => {
		try {
			if (input.kind === 'totp') {
				if (!(await claimTotpCode(userId, code))) return { wrong: true, value: null }
				const result = await auth.api.verifyTOTP({ body: { code, trustDevice: input.trustDevice }, headers, returnHeaders: true })
				return { wrong: false, value: { headers: result.headers, token: result.response.token } }
			}
			const entry = await findBackupCode(userId, code)
			if (!entry) return { wrong: true, value: null }
			const result = await auth.api.verifyBackupCode({
				body: { code: entry, trustDevice: input.trustDevice },
				headers,
				returnHeaders: true,
			})
			return {
				wrong: false,
				value: { headers: result.headers, token: 'token' in result.response ? (result.response.token as string | undefined) : undefined },
			}
		} catch (error) {
			if (isWrongCode(error)) return { wrong: true, value: null }
			// Better Auth's own limits: the challenge is spent, or the account locked.
			if (error instanceof APIError && error.body?.code === 'TOO_MANY_ATTEMPTS_REQUEST_NEW_CODE')
				return { wrong: true, value: 'expired' as const }
			if (error instanceof APIError && error.body?.code === 'ACCOUNT_TEMPORARILY_LOCKED') throw new ThrottledError(15 * 60)
			throw error
		}
	}).catch(async (error: unknown) => {
		if (error instanceof ThrottledError) await recordSecurityEvent(request, context, { type: 'two-factor-failed', userId })
		throw error
	})
	if (outcome === 'expired') return { ok: false, reason: 'expired' }
	if (!outcome) {
		await recordSecurityEvent(request, context, { type: 'two-factor-failed', userId })
		return { ok: false, reason: 'wrong-code' }
	}
	const sessionId = await sessionIdOfToken(outcome.token)
	await recordSecurityEvent(request, context, { type: 'two-factor-passed', userId, sessionId })
	await recordSecurityEvent(request, context, { type: 'sign-in', userId, sessionId, method: 'password' })
	return { ok: true, headers: outcome.headers }
}
