/**
 * How an account without a password (signed up through a provider, or left
 * with an emailed link only) proves itself before changing its email: a
 * sign-in within the last 5 minutes, or a 6-digit code sent to its current
 * address. Never with nothing: a password account gives its password
 * (change-email.server.ts), every other one one of these two.
 *
 * The code is stored in Better Auth's verification table like its own
 * tokens (the identifier hashed by its storeIdentifier option), its value an
 * HMAC of the code keyed with the auth secret (a copy of the database alone
 * cannot test the million codes), for 10 minutes, used at most once (a new
 * code replaces the last). Sending is throttled per account like the other
 * mail; wrong codes per account like two-factor codes.
 */
import { createHmac, randomInt, timingSafeEqual } from 'node:crypto'
import { and, eq } from 'drizzle-orm'
import { THROTTLE_RULES } from '#app/lib/throttle-rules.server.ts'
import { auth } from '#app/lib/auth/better-auth.server.ts'
import { db } from '#app/lib/db.server.ts'
import { account as accountTable } from '#app/lib/db/schema.ts'
import { logger } from '#app/lib/logger.server.ts'
import { emailChangeCodeMessage, sendMailInBackground } from '#app/lib/mail.server.ts'
import type { CurrentSession } from '#app/lib/auth/session.server.ts'
import { giveBack, takeAttempt } from '#app/lib/throttle.server.ts'

export const EMAIL_CHANGE_CODE_SECONDS = 10 * 60
/** A session this young (a sign-in that recent) needs no code. */
export const RECENT_SIGN_IN_SECONDS = 5 * 60

/**
 * password: the account has one and gives it. recent-sign-in: no password,
 * and this session began within RECENT_SIGN_IN_SECONDS. code: no password,
 * an older session: a code from the current address.
 */
export type EmailChangeProof = 'password' | 'recent-sign-in' | 'code'

export async function hasPassword(userId: string): Promise<boolean> {
	const rows = await db
		.select({ id: accountTable.id })
		.from(accountTable)
		.where(and(eq(accountTable.userId, userId), eq(accountTable.providerId, 'credential')))
		.limit(1)
	return rows.length > 0
}

/** `withPassword`: whether the account has one, when the caller already knows (Settings lists the sign-in methods anyway). */
export async function emailChangeProofOf(current: CurrentSession, withPassword?: boolean): Promise<EmailChangeProof> {
	if (withPassword ?? (await hasPassword(current.user.id))) return 'password'
	const recent = Date.now() - current.session.createdAt.getTime() < RECENT_SIGN_IN_SECONDS * 1000
	return recent ? 'recent-sign-in' : 'code'
}

const identifierOf = (userId: string) => `email-change-code:${userId}`

async function digest(userId: string, code: string): Promise<string> {
	const { secret } = await auth.$context
	return createHmac('sha256', secret).update(`${userId}:${code}`).digest('base64url')
}

/** Mails a new code to the account's current address (the last one stops working). Throws ThrottledError past the limit. */
export async function sendEmailChangeCode(current: CurrentSession): Promise<void> {
	const userId = current.user.id
	await takeAttempt(THROTTLE_RULES.emailChangeCodeSendPerUser, userId)
	const code = String(randomInt(0, 1_000_000)).padStart(6, '0')
	const ctx = await auth.$context
	await ctx.internalAdapter.deleteVerificationByIdentifier(identifierOf(userId))
	await ctx.internalAdapter.createVerificationValue({
		identifier: identifierOf(userId),
		value: await digest(userId, code),
		expiresAt: new Date(Date.now() + EMAIL_CHANGE_CODE_SECONDS * 1000),
	})
	void sendMailInBackground(emailChangeCodeMessage(current.user.email, code))
	logger.info({ event: 'email-change-code-sent', userId }, 'email change code sent to the current address')
}

/**
 * Uses the account's code: true once for the right, unexpired code (it is
 * spent), false otherwise. Throws ThrottledError past the wrong-code limit.
 */
export async function spendEmailChangeCode(userId: string, code: string): Promise<boolean> {
	const rule = THROTTLE_RULES.emailChangeCodeFailuresPerUser
	await takeAttempt(rule, userId)
	const ctx = await auth.$context
	const row = await ctx.internalAdapter.findVerificationValue(identifierOf(userId))
	const expected = Buffer.from(await digest(userId, code))
	const matches = (value: string) => {
		const stored = Buffer.from(value)
		return stored.length === expected.length && timingSafeEqual(stored, expected)
	}
	// Spent atomically: of two uses at once, one gets the row.
	const ok =
		row !== null &&
		row.expiresAt > new Date() &&
		matches(row.value) &&
		(await ctx.internalAdapter.consumeVerificationValue(identifierOf(userId)))?.value === row.value
	if (ok) await giveBack(rule, userId)
	else logger.info({ event: 'email-change-code-failed', userId }, 'wrong or expired email change code')
	return ok
}
