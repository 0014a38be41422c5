/**
 * What every two-factor code check shares, whether it is the second step
 * of a sign-in (app/routes/auth) or a Settings form (turning two-factor on
 * or off): the app's own throttle of five wrong codes per account in 15
 * minutes, then a wait (DB-backed, shared by every instance); a TOTP code
 * that worked once is refused for the rest of its window (Better Auth alone
 * would accept it again); and finding a backup code among the stored hashes.
 */
import { eq } from 'drizzle-orm'
import { APIError } from 'better-auth/api'
import { db } from '#app/lib/db.server.ts'
import { twoFactor as twoFactorTable } from '#app/lib/db/schema.ts'
import { giveBack, recordHit, ThrottledError } from '#app/lib/throttle.server.ts'
import { matchBackupCode, usedCodeKey } from '#app/lib/auth/two-factor-codes.server.ts'
import { THROTTLE_RULES } from '#app/lib/throttle-rules.server.ts'

/**
 * Counts one code attempt of the account before the check; the check's
 * `wrong` result keeps it counted. The fifth wrong code already answers
 * with the wait (ThrottledError), as do attempts past it.
 */
export async function withCodeAttempt<T>(userId: string, check: () => Promise<{ wrong: boolean; value: T }>): Promise<T> {
	const rule = THROTTLE_RULES.twoFactorCodeFailuresPerUser
	const state = await recordHit(rule, userId)
	if (state.count > rule.limit) throw new ThrottledError(state.retryAfterSeconds)
	let wrong = false
	try {
		const result = await check()
		wrong = result.wrong
		if (wrong && state.count >= rule.limit) throw new ThrottledError(state.retryAfterSeconds)
		return result.value
	} finally {
		if (!wrong) await giveBack(rule, userId)
	}
}

/** False when this TOTP code was already used by the account within its window. */
export async function claimTotpCode(userId: string, code: string): Promise<boolean> {
	const state = await recordHit(THROTTLE_RULES.totpCodeUsed, usedCodeKey(userId, code))
	return state.count <= THROTTLE_RULES.totpCodeUsed.limit
}

export function isWrongCode(error: unknown) {
	return (
		error instanceof APIError &&
		(error.body?.code === 'INVALID_CODE' || error.body?.code === 'INVALID_BACKUP_CODE' || error.statusCode === 401)
	)
}

/** The stored entry a typed backup code matches (what Better Auth verifies), or null. */
export async function findBackupCode(userId: string, code: string): Promise<string | null> {
	const [row] = await db.select({ backupCodes: twoFactorTable.backupCodes }).from(twoFactorTable).where(eq(twoFactorTable.userId, userId))
	return row ? matchBackupCode(row.backupCodes, code) : null
}
