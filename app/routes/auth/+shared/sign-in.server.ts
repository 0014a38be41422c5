/**
 * What the sign-in and sign-up actions do on the server: throttle, call
 * auth.api (never the browser client), and hand back Better Auth's answer
 * (its Set-Cookie, for the page's redirect) or the reason for a form error.
 */
import { eq } from 'drizzle-orm'
import { APIError } from 'better-auth/api'
import { isSuspendedRefusal } from '#app/lib/auth/admin-access.server.ts'
import { auth } from '#app/lib/auth/better-auth.server.ts'
import { db } from '#app/lib/db.server.ts'
import { session as sessionTable, user as userTable } from '#app/lib/db/schema.ts'
import { logger } from '#app/lib/logger.server.ts'
import { clientIpOf, type ContextReader } from '#app/context.server.ts'
import { recordSecurityEvent } from '#app/lib/auth/security-events.server.ts'
import { authHeaders } from '#app/lib/auth/session.server.ts'
import { giveBack, takeAttempt } from '#app/lib/throttle.server.ts'
import { THROTTLE_RULES } from '#app/lib/throttle-rules.server.ts'

/**
 * twoFactor: the password was right but the account has two-factor
 * authentication on: no session exists yet, only Better Auth's signed
 * two_factor challenge cookie (in `headers`); the user goes on to
 * /login/two-factor.
 */
export type SignInResult =
	{ ok: true; headers: Headers; twoFactor: boolean } | { ok: false; reason: 'invalid-credentials' | 'email-not-verified' | 'suspended' }

/** The id of the session a session token belongs to (for the security log). */
export async function sessionIdOfToken(token: string | null | undefined): Promise<string | null> {
	if (!token) return null
	const [row] = await db.select({ id: sessionTable.id }).from(sessionTable).where(eq(sessionTable.token, token))
	return row?.id ?? null
}

async function userIdOfEmail(email: string): Promise<string | null> {
	const [row] = await db.select({ id: userTable.id }).from(userTable).where(eq(userTable.email, email))
	return row?.id ?? null
}

/**
 * Signs in with the given credentials. A session the browser already had
 * (its own, another user's on a shared computer, or one planted by someone
 * else) is ended once the new one is set (sessionMiddleware, for every way
 * in): signing in always leaves the browser in the account whose credentials
 * were given, in a new session.
 */
export async function signIn(
	request: Request,
	context: ContextReader,
	input: { email: string; password: string; rememberMe: boolean },
): Promise<SignInResult> {
	await takeAttempt(THROTTLE_RULES.signInPerIp, clientIpOf(context))
	// Counted before the password is checked, so that parallel attempts
	// cannot all pass a check of the counter made before any of them failed.
	await takeAttempt(THROTTLE_RULES.signInFailuresPerEmail, input.email)
	let wrongPassword = false
	try {
		const { headers, response } = await auth.api.signInEmail({
			body: input,
			headers: authHeaders(request, context),
			returnHeaders: true,
		})
		if ('twoFactorRedirect' in response && response.twoFactorRedirect) return { ok: true, headers, twoFactor: true }
		if ('user' in response) {
			await recordSecurityEvent(request, context, {
				type: 'sign-in',
				userId: response.user.id,
				sessionId: await sessionIdOfToken(response.token),
				method: 'password',
			})
		}
		return { ok: true, headers, twoFactor: false }
	} catch (error) {
		// Only said after the right password: it reveals nothing to a guesser.
		if (error instanceof APIError && error.body?.code === 'EMAIL_NOT_VERIFIED') {
			return { ok: false, reason: 'email-not-verified' }
		}
		// Suspended by an admin (Better Auth's admin plugin refuses the session): also said only after the right password.
		if (isSuspendedRefusal(error)) return { ok: false, reason: 'suspended' }
		if (error instanceof APIError && (error.statusCode === 401 || error.statusCode === 400)) {
			wrongPassword = true
			logger.info({ event: 'sign-in-failed' }, 'sign-in failed')
			// Into the account's activity when the account exists.
			const userId = await userIdOfEmail(input.email)
			if (userId) await recordSecurityEvent(request, context, { type: 'sign-in-failed', userId, method: 'password' })
			return { ok: false, reason: 'invalid-credentials' }
		}
		throw error
	} finally {
		// Only wrong passwords stay counted.
		if (!wrongPassword) await giveBack(THROTTLE_RULES.signInFailuresPerEmail, input.email)
	}
}

/**
 * verificationRequired: REQUIRE_EMAIL_VERIFICATION is on, so no session was
 * created (and, to not reveal taken emails, the answer is the same whether
 * or not the email was free): the user is asked to check their mail.
 */
export type SignUpResult = { ok: true; headers: Headers; verificationRequired: boolean } | { ok: false; reason: 'email-taken' }

export async function signUp(
	request: Request,
	context: ContextReader,
	input: { name: string; email: string; password: string },
	/** Where the emailed confirmation link leads once used (a same-site path). */
	redirectTo?: string,
): Promise<SignUpResult> {
	await takeAttempt(THROTTLE_RULES.signUpPerIp, clientIpOf(context))
	await takeAttempt(THROTTLE_RULES.signUpPerEmail, input.email)
	try {
		const { headers, response } = await auth.api.signUpEmail({
			body: { ...input, rememberMe: false, ...(redirectTo ? { callbackURL: redirectTo } : {}) },
			headers: authHeaders(request, context),
			returnHeaders: true,
		})
		// With verification on, a taken address gets a made-up answer: only
		// a user that exists now with this email has signed up.
		const userId = response.token ? response.user.id : await userIdOfEmail(input.email)
		if (userId === response.user.id) {
			await recordSecurityEvent(request, context, {
				type: 'sign-up',
				userId,
				sessionId: await sessionIdOfToken(response.token),
				method: 'password',
			})
		}
		return { ok: true, headers, verificationRequired: !response.token }
	} catch (error) {
		if (
			error instanceof APIError &&
			(error.body?.code === 'USER_ALREADY_EXISTS' || error.body?.code === 'USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL')
		) {
			return { ok: false, reason: 'email-taken' }
		}
		throw error
	}
}
