/**
 * Two-factor authentication (TOTP + backup codes) in Settings, on the
 * server: turn it on (password, then the secret, then a first code), see
 * and regenerate the backup codes, turn it off (password and a code). Every
 * call goes through auth.api (Better Auth's two-factor plugin; its HTTP
 * routes stay closed); wrong codes share the sign-in step's throttle and a
 * used TOTP code is refused for its window
 * (app/lib/auth/two-factor-attempts.server.ts), wrong passwords the
 * Settings password throttle (password-check.server.ts).
 */
import { and, eq } from 'drizzle-orm'
import { symmetricDecrypt } from 'better-auth/crypto'
import { createOTP } from '@better-auth/utils/otp'
import QRCode from 'qrcode'
import { claimTotpCode, findBackupCode, isWrongCode, withCodeAttempt } from '#app/lib/auth/two-factor-attempts.server.ts'
import { auth } from '#app/lib/auth/better-auth.server.ts'
import { db } from '#app/lib/db.server.ts'
import { twoFactor as twoFactorTable } from '#app/lib/db/schema.ts'
import type { ContextReader } from '#app/context.server.ts'
import { recordSecurityEvent } from '#app/lib/auth/security-events.server.ts'
import { authHeaders, type CurrentSession } from '#app/lib/auth/session.server.ts'
import { hashBackupCodeList, newBackupCodes } from '#app/lib/auth/two-factor-codes.server.ts'
import { checkCurrentPassword, withPassword } from './password-check.server.ts'

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
	if (!(await checkSecondFactor(request, context, current, input.code))) return { ok: false, reason: 'wrong-code' }
	const result = await withPassword(
		userId,
		async () => (await auth.api.disableTwoFactor({ body: { password: input.password }, headers, returnHeaders: true })).headers,
	)
	if (!result) return { ok: false, reason: 'incorrect-password' }
	await recordSecurityEvent(request, context, { type: 'two-factor-disabled', userId, sessionId: current.session.id })
	return { ok: true, headers: result }
}

/**
 * Whether `code` is a current second-factor code of the signed-in user (a
 * TOTP code, once; or a backup code, used up), behind the per-account
 * throttle of wrong codes; a wrong one goes into the activity log. For
 * actions that ask for the second factor again (turning it off, an admin
 * starting to act as a user).
 */
export async function checkSecondFactor(request: Request, context: ContextReader, current: CurrentSession, code: string): Promise<boolean> {
	const userId = current.user.id
	const headers = authHeaders(request, context)
	const ok = await withCodeAttempt(userId, async () => {
		const right = await checkCodeForSession(headers, userId, code)
		return { wrong: !right, value: right }
	})
	if (!ok) await recordSecurityEvent(request, context, { type: 'two-factor-failed', userId, sessionId: current.session.id })
	return ok
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
	const entry = await findBackupCode(userId, code)
	if (!entry) return false
	try {
		await auth.api.verifyBackupCode({ body: { code: entry, disableSession: true }, headers })
		return true
	} catch (error) {
		if (isWrongCode(error)) return false
		throw error
	}
}
