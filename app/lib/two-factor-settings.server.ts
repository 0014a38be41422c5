/**
 * The two-factor forms of /settings (intents two-factor-*). Fresh backup
 * codes are only ever in the answer to the POST that made them (status 200,
 * no-store like every signed-in response), never on a GET: reloading does
 * not show them again. A new TOTP secret and its QR code are shown by
 * /settings itself (its loader, no-store) for as long as the setup waits
 * for its first code, so that a reload shows the same one; "Cancel setup"
 * discards it.
 */
import type { SubmissionResult } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import { data, redirect } from 'react-router'
import { redirectWithAuthCookies } from './auth-actions.server.ts'
import type { ContextReader } from '#app/context.server.ts'
import { INCORRECT_PASSWORD_MESSAGE } from './schemas/account.ts'
import {
	CancelTwoFactorSetupSchema,
	DisableTwoFactorSchema,
	EnableTwoFactorSchema,
	INVALID_CODE_MESSAGE,
	RegenerateBackupCodesSchema,
	VerifyTwoFactorSetupSchema,
	type TwoFactorIntent,
} from './schemas/two-factor.ts'
import type { CurrentSession } from '#app/lib/auth/session.server.ts'
import {
	cancelTwoFactorSetup,
	confirmTwoFactorSetup,
	disableTwoFactor,
	regenerateBackupCodes,
	startTwoFactorSetup,
} from './two-factor.server.ts'

export const TWO_FACTOR_HIDDEN_FIELDS = ['password', 'code']

export type TwoFactorActionData = {
	intent: TwoFactorIntent
	result: SubmissionResult<string[]>
	backupCodes?: string[]
}

const NO_STORE = { 'Cache-Control': 'no-store' }

function reply(payload: TwoFactorActionData, status: number, headers?: Headers) {
	const all = new Headers(headers)
	all.set('Cache-Control', 'no-store')
	return data(payload, { status, headers: all })
}

export async function twoFactorSettingsAction(
	intent: TwoFactorIntent,
	request: Request,
	context: ContextReader,
	current: CurrentSession,
	formData: FormData,
) {
	const hideFields = TWO_FACTOR_HIDDEN_FIELDS
	switch (intent) {
		case 'two-factor-enable': {
			const submission = parseWithZod(formData, { schema: EnableTwoFactorSchema })
			if (submission.status !== 'success') return reply({ intent, result: submission.reply({ hideFields }) }, 400)
			const outcome = await startTwoFactorSetup(request, context, current, submission.value.password)
			if (!outcome.ok) {
				return reply({ intent, result: submission.reply({ fieldErrors: { password: [INCORRECT_PASSWORD_MESSAGE] }, hideFields }) }, 400)
			}
			// The page shows the new secret and QR code (a reload shows the same).
			return redirect('/settings#two-factor-heading', { headers: NO_STORE })
		}
		case 'two-factor-cancel': {
			const submission = parseWithZod(formData, { schema: CancelTwoFactorSetupSchema })
			if (submission.status !== 'success') return reply({ intent, result: submission.reply() }, 400)
			await cancelTwoFactorSetup(current.user.id)
			return redirect('/settings?saved=two-factor-cancelled#two-factor-heading', { headers: NO_STORE })
		}
		case 'two-factor-verify': {
			const submission = parseWithZod(formData, { schema: VerifyTwoFactorSetupSchema })
			if (submission.status !== 'success') return reply({ intent, result: submission.reply({ hideFields }) }, 400)
			const outcome = await confirmTwoFactorSetup(request, context, current, submission.value.code)
			if (!outcome.ok && outcome.reason === 'no-setup') return redirect('/settings')
			if (!outcome.ok) {
				return reply({ intent, result: submission.reply({ fieldErrors: { code: [INVALID_CODE_MESSAGE] }, hideFields }) }, 400)
			}
			return reply(
				{ intent, result: submission.reply({ resetForm: true }), backupCodes: outcome.backupCodes },
				200,
				forwardCookies(outcome.headers),
			)
		}
		case 'two-factor-regenerate': {
			const submission = parseWithZod(formData, { schema: RegenerateBackupCodesSchema })
			if (submission.status !== 'success') return reply({ intent, result: submission.reply({ hideFields }) }, 400)
			const outcome = await regenerateBackupCodes(request, context, current, submission.value.password)
			if (!outcome.ok) {
				return reply({ intent, result: submission.reply({ fieldErrors: { password: [INCORRECT_PASSWORD_MESSAGE] }, hideFields }) }, 400)
			}
			return reply({ intent, result: submission.reply({ resetForm: true }), backupCodes: outcome.backupCodes }, 200)
		}
		case 'two-factor-disable': {
			const submission = parseWithZod(formData, { schema: DisableTwoFactorSchema })
			if (submission.status !== 'success') return reply({ intent, result: submission.reply({ hideFields }) }, 400)
			const outcome = await disableTwoFactor(request, context, current, submission.value)
			if (!outcome.ok) {
				const fieldErrors: Record<string, string[]> =
					outcome.reason === 'wrong-code' ? { code: [INVALID_CODE_MESSAGE] } : { password: [INCORRECT_PASSWORD_MESSAGE] }
				return reply({ intent, result: submission.reply({ fieldErrors, hideFields }) }, 400)
			}
			return redirectWithAuthCookies('/settings?saved=two-factor-off', outcome.headers)
		}
	}
}

/** Only the Set-Cookie headers of a Better Auth answer (the replaced session). */
function forwardCookies(from: Headers): Headers {
	const headers = new Headers(NO_STORE)
	for (const cookie of from.getSetCookie()) headers.append('set-cookie', cookie)
	return headers
}
