/**
 * The current password, checked before Settings changes something that
 * matters (password, email, two-factor, deleting the account): one per-user
 * throttle of wrong passwords shared by all those forms. The attempt is
 * counted before the check (parallel attempts cannot overtake the counter)
 * and handed back unless the password was wrong.
 */
import { APIError } from 'better-auth/api'
import { THROTTLE_RULES } from '#app/lib/throttle-rules.server.ts'
import { auth } from '#app/lib/auth/better-auth.server.ts'
import { logger } from '#app/lib/logger.server.ts'
import type { ContextReader } from '#app/context.server.ts'
import { authHeaders } from '#app/lib/auth/session.server.ts'
import { giveBack, takeAttempt } from '#app/lib/throttle.server.ts'

export function failedPasswordCheck(userId: string) {
	logger.info({ event: 'account-password-check-failed', userId }, 'wrong current password')
}

/** Runs a check of the user's current password behind the per-user throttle; `isWrong` says which results stay counted. */
export async function withPasswordAttempt<T>(userId: string, check: () => Promise<T>, isWrong: (result: T) => boolean): Promise<T> {
	const rule = THROTTLE_RULES.passwordFailuresPerUser
	await takeAttempt(rule, userId)
	let wrong = false
	try {
		const result = await check()
		wrong = isWrong(result)
		return result
	} finally {
		if (!wrong) await giveBack(rule, userId)
	}
}

export function isInvalidPassword(error: unknown) {
	return error instanceof APIError && error.body?.code === 'INVALID_PASSWORD'
}

/**
 * A Better Auth call that checks the password, behind the per-user
 * password throttle: null when the password was wrong.
 */
export async function withPassword<T>(userId: string, call: () => Promise<T>): Promise<T | null> {
	return withPasswordAttempt(
		userId,
		async () => {
			try {
				return await call()
			} catch (error) {
				if (isInvalidPassword(error)) return null
				throw error
			}
		},
		(result) => result === null,
	)
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
