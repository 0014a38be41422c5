/**
 * Two-factor authentication (TOTP + backup codes) on the server: Settings'
 * enable / verify / regenerate / disable, and the second step of a
 * sign-in. Every call goes through auth.api (Better Auth's two-factor
 * plugin; its HTTP routes stay closed), behind the app's own throttle:
 * five wrong codes per account in 15 minutes, then a wait (DB-backed,
 * shared by every instance). A TOTP code that worked once is refused for
 * the rest of its window (Better Auth alone would accept it again).
 */
import { and, eq } from 'drizzle-orm'
import { APIError } from 'better-auth/api'
import { symmetricDecrypt } from 'better-auth/crypto'
import { createOTP } from '@better-auth/utils/otp'
import QRCode from 'qrcode'
import { sessionIdOfToken } from './auth-actions.server.ts'
import { auth } from '#app/lib/auth/better-auth.server.ts'
import { db } from './db.server.ts'
import { twoFactor as twoFactorTable } from './db/schema.ts'
import { checkCurrentPassword, isInvalidPassword, withPasswordAttempt } from './account.server.ts'
import type { ContextReader } from '#app/context.server.ts'
import { recordSecurityEvent } from '#app/lib/auth/security-events.server.ts'
import { authHeaders, type CurrentSession } from '#app/lib/auth/session.server.ts'
import { giveBack, recordHit, ThrottledError, type ThrottleRule } from './throttle.server.ts'
import { matchBackupCode, newBackupCodes, hashBackupCodeList, usedCodeKey } from '#app/lib/auth/two-factor-codes.server.ts'

export const TWO_FACTOR_RULES = {
	/** Wrong codes per account (sign-in second step, Settings). */
	codeFailuresPerUser: { name: 'two-factor-failure:user', limit: 5, windowSeconds: 15 * 60 },
	/** A used TOTP code: marked for 90 s (its step ± one, what the verifier accepts). */
	usedCode: { name: 'totp-used', limit: 1, windowSeconds: 90 },
} satisfies Record<string, ThrottleRule>

export type TotpSetup = { secret: string; uri: string; qrSvg: string }

async function setupView(uri: string): Promise<TotpSetup> {
	const secret = new URL(uri).searchParams.get('secret') ?? ''
	const qrSvg = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 })
	return { secret, uri, qrSvg }
}

export async function isTwoFactorEnabled(userId: string): Promise<boolean> {
	const [row] = await db.select({ verified: twoFactorTable.verified }).from(twoFactorTable).where(eq(twoFactorTable.userId, userId))
	return Boolean(row && row.verified !== false)
}

/**
 * The setup not yet confirmed by a code, for as long as it waits (Settings
 * shows it again after a reload or a wrong code, until it is verified or
 * cancelled): the secret decrypted from the row Better Auth wrote, where
 * user.twoFactorEnabled stays false and the row says verified: false.
 */
export async function pendingTwoFactorSetup(current: CurrentSession): Promise<TotpSetup | null> {
	const [row] = await db.select().from(twoFactorTable).where(eq(twoFactorTable.userId, current.user.id))
	if (!row || row.verified !== false) return null
	const ctx = await auth.$context
	const secret = await symmetricDecrypt({ key: ctx.secretConfig, data: row.secret })
	return setupView(createOTP(secret, { digits: 6, period: 30 }).url('Taskwell', current.user.email))
}

/**
 * Counts one code attempt of the account before the check; the check's
 * `wrong` result keeps it counted. The fifth wrong code already answers
 * with the wait (ThrottledError), as do attempts past it.
 */
async function withCodeAttempt<T>(userId: string, check: () => Promise<{ wrong: boolean; value: T }>): Promise<T> {
	const rule = TWO_FACTOR_RULES.codeFailuresPerUser
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
async function claimTotpCode(userId: string, code: string): Promise<boolean> {
	const state = await recordHit(TWO_FACTOR_RULES.usedCode, usedCodeKey(userId, code))
	return state.count <= TWO_FACTOR_RULES.usedCode.limit
}

function isWrongCode(error: unknown) {
	return (
		error instanceof APIError &&
		(error.body?.code === 'INVALID_CODE' || error.body?.code === 'INVALID_BACKUP_CODE' || error.statusCode === 401)
	)
}

// ---------------------------------------------------------------- settings

/**
 * A Better Auth call that checks the password, behind the per-user
 * password throttle (shared with Settings' other password forms): null
 * when the password was wrong.
 */
async function withPassword<T>(userId: string, call: () => Promise<T>): Promise<T | null> {
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

export type EnableResult = { ok: true } | { ok: false; reason: 'incorrect-password' }

/**
 * Password checked: Better Auth stores a new (unconfirmed) secret, which
 * Settings then shows with its QR code. A setup already pending (an enable
 * form from another tab) is kept as it is: the same secret.
 */
export async function startTwoFactorSetup(
	request: Request,
	context: ContextReader,
	current: CurrentSession,
	password: string,
): Promise<EnableResult> {
	const userId = current.user.id
	if (await pendingTwoFactorSetup(current)) {
		return (await checkCurrentPassword(request, context, userId, password)) ? { ok: true } : { ok: false, reason: 'incorrect-password' }
	}
	const uri = await withPassword(userId, async () => {
		const result = await auth.api.enableTwoFactor({ body: { password }, headers: authHeaders(request, context) })
		if (!('totpURI' in result) || !result.totpURI) throw new Error('Better Auth returned no TOTP URI')
		return result.totpURI
	})
	return uri ? { ok: true } : { ok: false, reason: 'incorrect-password' }
}

/** "Cancel setup": the unconfirmed secret and its backup codes are deleted; a confirmed one is never touched. */
export async function cancelTwoFactorSetup(userId: string): Promise<void> {
	await db.delete(twoFactorTable).where(and(eq(twoFactorTable.userId, userId), eq(twoFactorTable.verified, false)))
}

export type ConfirmResult =
	{ ok: true; headers: Headers; backupCodes: string[] } | { ok: false; reason: 'wrong-code' } | { ok: false; reason: 'no-setup' }

/**
 * Turns 2FA on when the code matches the new secret. Better Auth replaces
 * the session (new cookie in `headers`). The ten backup codes shown now are
 * made here, after the code (the ones Better Auth made with the secret were
 * never shown), and stored hashed.
 */
export async function confirmTwoFactorSetup(
	request: Request,
	context: ContextReader,
	current: CurrentSession,
	code: string,
): Promise<ConfirmResult> {
	const userId = current.user.id
	if (!(await pendingTwoFactorSetup(current))) return { ok: false, reason: 'no-setup' }
	const headers = await withCodeAttempt(userId, async () => {
		if (!(await claimTotpCode(userId, code))) return { wrong: true, value: null }
		try {
			const result = await auth.api.verifyTOTP({ body: { code }, headers: authHeaders(request, context), returnHeaders: true })
			return { wrong: false, value: result.headers }
		} catch (error) {
			if (isWrongCode(error)) return { wrong: true, value: null }
			throw error
		}
	})
	if (!headers) return { ok: false, reason: 'wrong-code' }
	const backupCodes = newBackupCodes()
	await db
		.update(twoFactorTable)
		.set({ backupCodes: await hashBackupCodeList(JSON.stringify(backupCodes)) })
		.where(eq(twoFactorTable.userId, userId))
	await recordSecurityEvent(request, context, { type: 'two-factor-enabled', userId, sessionId: current.session.id })
	return { ok: true, headers, backupCodes }
}

export type RegenerateResult = { ok: true; backupCodes: string[] } | { ok: false; reason: 'incorrect-password' }

export async function regenerateBackupCodes(
	request: Request,
	context: ContextReader,
	current: CurrentSession,
	password: string,
): Promise<RegenerateResult> {
	const userId = current.user.id
	const codes = await withPassword(
		userId,
		async () => (await auth.api.generateBackupCodes({ body: { password }, headers: authHeaders(request, context) })).backupCodes,
	)
	if (!codes) return { ok: false, reason: 'incorrect-password' }
	await recordSecurityEvent(request, context, { type: 'backup-codes-regenerated', userId, sessionId: current.session.id })
	return { ok: true, backupCodes: codes }
}

export type DisableResult = { ok: true; headers: Headers } | { ok: false; reason: 'incorrect-password' | 'wrong-code' }

/** Needs the password and a current code (TOTP or a backup code). */
export async function disableTwoFactor(
	request: Request,
	context: ContextReader,
	current: CurrentSession,
	input: { password: string; code: string },
): Promise<DisableResult> {
	const userId = current.user.id
	const headers = authHeaders(request, context)
	const codeOk = await withCodeAttempt(userId, async () => {
		const ok = await checkCodeForSession(headers, userId, input.code)
		return { wrong: !ok, value: ok }
	})
	if (!codeOk) {
		await recordSecurityEvent(request, context, { type: 'two-factor-failed', userId, sessionId: current.session.id })
		return { ok: false, reason: 'wrong-code' }
	}
	const result = await withPassword(
		userId,
		async () => (await auth.api.disableTwoFactor({ body: { password: input.password }, headers, returnHeaders: true })).headers,
	)
	if (!result) return { ok: false, reason: 'incorrect-password' }
	await recordSecurityEvent(request, context, { type: 'two-factor-disabled', userId, sessionId: current.session.id })
	return { ok: true, headers: result }
}

/** A signed-in user's code: a TOTP code (once) or a backup code (used up). */
async function checkCodeForSession(headers: Headers, userId: string, code: string): Promise<boolean> {
	if (/^\d{6}$/.test(code.trim())) {
		if (!(await claimTotpCode(userId, code.trim()))) return false
		try {
			await auth.api.verifyTOTP({ body: { code: code.trim() }, headers })
			return true
		} catch (error) {
			if (isWrongCode(error)) return false
			throw error
		}
	}
	const [row] = await db.select({ backupCodes: twoFactorTable.backupCodes }).from(twoFactorTable).where(eq(twoFactorTable.userId, userId))
	const entry = row ? matchBackupCode(row.backupCodes, code) : null
	if (!entry) return false
	try {
		await auth.api.verifyBackupCode({ body: { code: entry, disableSession: true }, headers })
		return true
	} catch (error) {
		if (isWrongCode(error)) return false
		throw error
	}
}

// ---------------------------------------------------------------- sign-in

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
			const [row] = await db
				.select({ backupCodes: twoFactorTable.backupCodes })
				.from(twoFactorTable)
				.where(eq(twoFactorTable.userId, userId))
			const entry = row ? matchBackupCode(row.backupCodes, code) : null
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
