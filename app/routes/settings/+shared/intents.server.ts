/**
 * The one way a Settings form is handled on the server. Every form of
 * /settings posts to the page's one action with an `intent` (the button's
 * name=intent value); this table says, for each intent, the schema its
 * fields must pass and what it then runs. runSettingsIntent is the action's
 * only code path:
 * - an intent not in the table: 400 "Unknown action" (as any bad request);
 * - fields the schema refuses: the form again with its errors (400);
 * - `run`: a redirect (post/redirect/get, a ?saved= notice), or the form
 *   again through `reply` (a wrong password, a session already ended…);
 * - a throttled form (ThrottledError anywhere in `run`): the wait as the
 *   form's error (429, Retry-After).
 * Every reply is `{ intent, result }` (plus fresh backup codes or a new
 * access token's secret, only in the answer to the POST that made them), so
 * the page shows it on the form that posted; passwords and codes never come
 * back in a reply.
 */
import type { SubmissionResult } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import { data, redirect } from 'react-router'
import type { z } from 'zod'
import {
	isConfiguredProvider,
	isProviderUnavailable,
	PROVIDER_NOT_AVAILABLE_MESSAGE,
	PROVIDER_UNAVAILABLE_MESSAGE,
} from '#app/lib/auth/provider-round-trip.server.ts'
import { authCookieHeaders, redirectWithAuthCookies } from '#app/lib/auth/redirect-with-cookies.server.ts'
import { withStrongPassword } from '#app/lib/auth/password-strength.server.ts'
import type { ContextReader } from '#app/context.server.ts'
import type { CurrentSession } from '#app/lib/auth/session.server.ts'
import { orThrottledReply } from '#app/lib/throttle.server.ts'
import { changePassword, deleteAccount, updateName } from './account.server.ts'
import { createTokenFromForm, revokeTokenFromForm } from './access-tokens.server.ts'
import type { NewAccessTokenItem } from './access-tokens.tsx'
import { requestEmailChange, type EmailChangeResult } from './change-email.server.ts'
import { hasPassword, sendEmailChangeCode } from './email-change-code.server.ts'
import { startProviderLink, unlinkProvider } from './linked-accounts.server.ts'
import { deletePasskey, renamePasskey } from './passkeys.server.ts'
import {
	CancelTwoFactorSetupSchema,
	ChangeEmailSchema,
	ChangeEmailWithCodeSchema,
	ChangePasswordSchema,
	CreateAccessTokenSchema,
	DeleteAccountSchema,
	DeletePasskeySchema,
	DisableTwoFactorSchema,
	EMAIL_CODE_REQUIRED_MESSAGE,
	EnableTwoFactorSchema,
	INCORRECT_PASSWORD_MESSAGE,
	INVALID_CODE_MESSAGE,
	INVALID_EMAIL_CODE_MESSAGE,
	LinkProviderSchema,
	RegenerateBackupCodesSchema,
	RenamePasskeySchema,
	RevokeAccessTokenSchema,
	RevokeOtherSessionsSchema,
	RevokeSessionSchema,
	SendEmailChangeCodeSchema,
	UnlinkProviderSchema,
	UpdateNameSchema,
	VerifyTwoFactorSetupSchema,
} from './schemas.ts'
import type { SettingsIntent } from './schemas-plain.ts'
import { revokeOtherSessions, revokeSession } from './sessions.server.ts'
import {
	cancelTwoFactorSetup,
	confirmTwoFactorSetup,
	disableTwoFactor,
	regenerateBackupCodes,
	startTwoFactorSetup,
} from './two-factor.server.ts'

/** What the page gets back from a form that did not redirect. */
export type SettingsActionData = {
	intent: SettingsIntent
	result: SubmissionResult<string[]>
	backupCodes?: string[]
	newAccessToken?: NewAccessTokenItem
}

/** What a reply may carry besides the form: headers, and a secret made by this POST. */
type ReplyExtra = { headers?: Headers; backupCodes?: string[]; newAccessToken?: NewAccessTokenItem }

/** Fields never sent back to the page (conform's hideFields), whichever form posted. */
const SECRET_FIELDS = ['currentPassword', 'newPassword', 'confirmPassword', 'password', 'code']

type ReplyOptions = { formErrors?: string[]; fieldErrors?: Record<string, string[]>; resetForm?: boolean }

type IntentArgs<Schema extends z.ZodType> = {
	request: Request
	context: ContextReader
	current: CurrentSession
	/** The fields, as the schema made them. */
	value: z.output<Schema>
	/** The form again: its fields (no secrets) with these errors, or emptied (`resetForm`). */
	reply: (options: ReplyOptions, status: number, extra?: ReplyExtra) => ReturnType<typeof replyWith>
}

type SettingsIntentEntry<Schema extends z.ZodType> = {
	/** The fields the form must send; a function when they depend on the account. */
	schema: Schema | ((current: CurrentSession) => Schema | Promise<Schema>)
	/** The form's error when the schema refuses its fields (besides the fields' own). */
	refusedError?: string
	run(args: IntentArgs<Schema>): Promise<Response | ReturnType<typeof replyWith>>
}

/** One row of the table, typed by its schema. */
const intent = <Schema extends z.ZodType>(entry: SettingsIntentEntry<Schema>) => entry

function replyWith(
	intent: SettingsIntent,
	result: SubmissionResult<string[]>,
	status: number,
	{ headers, backupCodes, newAccessToken }: ReplyExtra = {},
) {
	const payload: SettingsActionData = { intent, result }
	if (backupCodes) payload.backupCodes = backupCodes
	if (newAccessToken) payload.newAccessToken = newAccessToken
	return data(payload, { status, headers })
}

const EMAIL_CHANGE_FIELD_ERRORS: Record<Exclude<EmailChangeResult, { ok: true }>['reason'], Record<string, string[]>> = {
	'same-email': { newEmail: ['That is already your email address.'] },
	'incorrect-password': { currentPassword: [INCORRECT_PASSWORD_MESSAGE] },
	'code-required': { code: [EMAIL_CODE_REQUIRED_MESSAGE] },
	'wrong-code': { code: [INVALID_EMAIL_CODE_MESSAGE] },
}

/** "You are the only owner of Acme and Design: transfer ownership or delete these workspaces first." */
function onlyOwnerMessage(workspaces: string[]): string {
	const names =
		workspaces.length > 1
			? `${workspaces.slice(0, -1).join(', ')} and ${workspaces.at(-1)}`
			: (workspaces[0] ?? 'a workspace others belong to')
	return `You are the only owner of ${names}: transfer ownership or delete these workspaces first.`
}

const UNLINK_ERRORS = {
	'last-method': 'This is your only way to sign in: add another before removing it.',
	'not-found': 'That sign-in method is no longer linked.',
	'sign-in-again': 'For your safety, sign out and sign in again before removing a sign-in method.',
}

const NOT_A_MEMBER_MESSAGE = 'Choose your personal tasks or a workspace you belong to.'
const REVOKE_UNAVAILABLE_MESSAGE = 'Taskwell could not revoke this token right now. Try again in a moment.'

const SETTINGS_INTENT_TABLE = {
	// ------------------------------------------------------------ profile
	'update-name': intent({
		schema: UpdateNameSchema,
		async run({ request, context, value }) {
			return redirectWithAuthCookies('/settings?saved=name', await updateName(request, context, value.name))
		},
	}),

	// ------------------------------------------------------------ email
	'change-email': intent({
		// A password account gives its password; one without, a code (or a recent sign-in).
		schema: async (current) => ((await hasPassword(current.user.id)) ? ChangeEmailSchema : ChangeEmailWithCodeSchema),
		async run({ request, context, current, value, reply }) {
			const outcome = await requestEmailChange(request, context, current, value)
			if (!outcome.ok) return reply({ fieldErrors: EMAIL_CHANGE_FIELD_ERRORS[outcome.reason] }, 400)
			return redirect(`/settings?${new URLSearchParams({ 'email-change': 'sent', to: value.newEmail })}`)
		},
	}),
	'email-change-code': intent({
		schema: SendEmailChangeCodeSchema,
		async run({ current, reply }) {
			if (await hasPassword(current.user.id)) {
				return reply({ formErrors: ['Your account has a password: use it to change your email.'] }, 400)
			}
			await sendEmailChangeCode(current)
			return redirect('/settings?email-code=sent#change-email-heading')
		},
	}),

	// ------------------------------------------------------------ password
	'change-password': intent({
		schema: (current) => withStrongPassword(ChangePasswordSchema, 'newPassword', current.user.email),
		async run({ request, context, current, value, reply }) {
			const revoke = value.revokeOtherSessions ?? false
			const outcome = await changePassword(request, context, current.user.id, current.session.id, {
				currentPassword: value.currentPassword,
				newPassword: value.newPassword,
				revokeOtherSessions: revoke,
			})
			if (!outcome.ok) return reply({ fieldErrors: { currentPassword: [INCORRECT_PASSWORD_MESSAGE] } }, 400)
			// "#main": a fragment of its own, or the browser keeps the form's
			// (#change-password) across the redirect and scrolls past the notice.
			return redirectWithAuthCookies(`/settings?saved=${revoke ? 'password-everywhere' : 'password'}#main`, outcome.headers)
		},
	}),

	// ------------------------------------------------------------ linked accounts
	'link-provider': intent({
		schema: LinkProviderSchema,
		refusedError: PROVIDER_NOT_AVAILABLE_MESSAGE,
		async run({ request, context, current, value, reply }) {
			if (!isConfiguredProvider(value.provider)) return reply({ formErrors: [PROVIDER_NOT_AVAILABLE_MESSAGE] }, 400)
			try {
				return await startProviderLink(request, context, current.user.id, value.provider)
			} catch (error) {
				if (!isProviderUnavailable(error)) throw error
				return reply({ formErrors: [PROVIDER_UNAVAILABLE_MESSAGE] }, 503)
			}
		},
	}),
	'unlink-provider': intent({
		schema: UnlinkProviderSchema,
		async run({ request, context, current, value, reply }) {
			const outcome = await unlinkProvider(request, context, current.user.id, value.accountId)
			if (!outcome.ok) return reply({ formErrors: [UNLINK_ERRORS[outcome.reason]] }, outcome.reason === 'not-found' ? 404 : 400)
			return redirect(`/settings?unlinked=${encodeURIComponent(outcome.provider)}`)
		},
	}),

	// ------------------------------------------------------------ sessions
	'revoke-session': intent({
		schema: RevokeSessionSchema,
		async run({ request, context, current, value, reply }) {
			if (value.sessionId === current.session.id) {
				return reply({ formErrors: ['Use “Sign out” at the top to sign out of this device.'] }, 400)
			}
			if (!(await revokeSession(request, context, current, value.sessionId))) {
				return reply({ formErrors: ['That session has already ended.'] }, 404)
			}
			return redirect('/settings?saved=session')
		},
	}),
	'revoke-other-sessions': intent({
		schema: RevokeOtherSessionsSchema,
		async run({ request, context, current }) {
			await revokeOtherSessions(request, context, current.user.id, current.session.id)
			return redirect('/settings?saved=sessions')
		},
	}),

	// ------------------------------------------------------------ two-factor
	// A new secret and its QR code are shown by the page's loader for as long
	// as the setup waits for its first code (a reload shows the same one);
	// fresh backup codes only in the answer to the POST that made them.
	'two-factor-enable': intent({
		schema: EnableTwoFactorSchema,
		async run({ request, context, current, value, reply }) {
			const outcome = await startTwoFactorSetup(request, context, current, value.password)
			if (!outcome.ok) return reply({ fieldErrors: { password: [INCORRECT_PASSWORD_MESSAGE] } }, 400)
			return redirect('/settings#two-factor-heading')
		},
	}),
	'two-factor-cancel': intent({
		schema: CancelTwoFactorSetupSchema,
		async run({ current }) {
			await cancelTwoFactorSetup(current.user.id)
			return redirect('/settings?saved=two-factor-cancelled#two-factor-heading')
		},
	}),
	'two-factor-verify': intent({
		schema: VerifyTwoFactorSetupSchema,
		async run({ request, context, current, value, reply }) {
			const outcome = await confirmTwoFactorSetup(request, context, current, value.code)
			if (!outcome.ok && outcome.reason === 'no-setup') return redirect('/settings')
			if (!outcome.ok) return reply({ fieldErrors: { code: [INVALID_CODE_MESSAGE] } }, 400)
			// Better Auth replaced the session: its new cookie goes with the codes.
			return reply({ resetForm: true }, 200, { headers: authCookieHeaders(outcome.headers), backupCodes: outcome.backupCodes })
		},
	}),
	'two-factor-regenerate': intent({
		schema: RegenerateBackupCodesSchema,
		async run({ request, context, current, value, reply }) {
			const outcome = await regenerateBackupCodes(request, context, current, value.password)
			if (!outcome.ok) return reply({ fieldErrors: { password: [INCORRECT_PASSWORD_MESSAGE] } }, 400)
			return reply({ resetForm: true }, 200, { backupCodes: outcome.backupCodes })
		},
	}),
	'two-factor-disable': intent({
		schema: DisableTwoFactorSchema,
		async run({ request, context, current, value, reply }) {
			const outcome = await disableTwoFactor(request, context, current, value)
			if (!outcome.ok) {
				const fieldErrors: Record<string, string[]> =
					outcome.reason === 'wrong-code' ? { code: [INVALID_CODE_MESSAGE] } : { password: [INCORRECT_PASSWORD_MESSAGE] }
				return reply({ fieldErrors }, 400)
			}
			return redirectWithAuthCookies('/settings?saved=two-factor-off', outcome.headers)
		},
	}),

	// ------------------------------------------------------------ passkeys (adding one happens in the browser)
	'passkey-rename': intent({
		schema: RenamePasskeySchema,
		async run({ request, context, current, value, reply }) {
			if (!(await renamePasskey(request, context, current, value.id, value.name))) {
				return reply({ formErrors: ['That passkey no longer exists.'] }, 404)
			}
			return redirect('/settings?saved=passkey-renamed')
		},
	}),
	'passkey-delete': intent({
		schema: DeletePasskeySchema,
		async run({ request, context, current, value, reply }) {
			if (!(await deletePasskey(request, context, current, value.id))) return reply({ formErrors: ['That passkey no longer exists.'] }, 404)
			return redirect('/settings?saved=passkey-deleted')
		},
	}),

	// ------------------------------------------------------------ access tokens
	// A new token's secret only in the answer to the POST that made it (as
	// fresh backup codes): no redirect, so it is in no URL and no later page.
	'create-access-token': intent({
		schema: CreateAccessTokenSchema,
		async run({ request, context, current, value, reply }) {
			const outcome = await createTokenFromForm(request, context, current.user.id, value)
			if (!outcome.ok) return reply({ fieldErrors: { workspace: [NOT_A_MEMBER_MESSAGE] } }, 400)
			return reply({ resetForm: true }, 200, {
				newAccessToken: { id: outcome.token.id, name: outcome.token.name, secret: outcome.secret },
			})
		},
	}),
	'revoke-access-token': intent({
		schema: RevokeAccessTokenSchema,
		async run({ request, context, current, value, reply }) {
			const outcome = await revokeTokenFromForm(request, context, current.user.id, value.id)
			if (outcome === 'not-found') return reply({ formErrors: ['That token has already been revoked or has expired.'] }, 404)
			if (outcome === 'unavailable') return reply({ formErrors: [REVOKE_UNAVAILABLE_MESSAGE] }, 503)
			return redirect(`/settings?saved=${outcome}`)
		},
	}),

	// ------------------------------------------------------------ delete account
	'delete-account': intent({
		schema: DeleteAccountSchema,
		async run({ request, context, current, value, reply }) {
			const outcome = await deleteAccount(request, context, current.user.id, value.password)
			if (!outcome.ok && outcome.reason === 'incorrect-password') {
				return reply({ fieldErrors: { password: [INCORRECT_PASSWORD_MESSAGE] } }, 400)
			}
			if (!outcome.ok && outcome.reason === 'only-owner') {
				return reply({ formErrors: [onlyOwnerMessage(outcome.workspaces)] }, 409)
			}
			if (!outcome.ok) {
				return reply({ formErrors: ['Your tasks could not be deleted just now, so nothing was deleted. Try again in a moment.'] }, 503)
			}
			// "#main": see change-password (the form posts to #delete-account).
			return redirectWithAuthCookies('/?deleted=1#main', outcome.headers)
		},
	}),
} satisfies { [Intent in SettingsIntent]: SettingsIntentEntry<z.ZodType> }

/**
 * What an admin acting as the user (an impersonation session) may still do
 * here: the name, and signing sessions out. Never the password, the email,
 * sign-in methods, second factors, passkeys, backup codes, access tokens
 * and command lines, or deleting the account: those are refused (403)
 * whatever the page shows.
 */
export const INTENTS_WHILE_ACTING: ReadonlySet<SettingsIntent> = new Set(['update-name', 'revoke-session', 'revoke-other-sessions'])
export const NOT_WHILE_ACTING_MESSAGE = 'Not while you act as this user: only the account’s owner can change how they sign in.'

/** The action of /settings: the form's intent, looked up in the table (see the top of this file). */
export async function runSettingsIntent(request: Request, context: ContextReader, current: CurrentSession, formData: FormData) {
	const name = formData.get('intent')
	if (typeof name !== 'string' || !Object.hasOwn(SETTINGS_INTENT_TABLE, name)) throw new Response('Unknown action', { status: 400 })
	const intent = name as SettingsIntent
	if (current.session.impersonatedBy && !INTENTS_WHILE_ACTING.has(intent)) {
		return replyWith(intent, { status: 'error', error: { '': [NOT_WHILE_ACTING_MESSAGE] } }, 403)
	}
	const entry: SettingsIntentEntry<z.ZodType> = SETTINGS_INTENT_TABLE[intent]
	const schema = typeof entry.schema === 'function' ? await entry.schema(current) : entry.schema
	const submission = parseWithZod(formData, { schema })
	if (submission.status !== 'success') {
		const formErrors = entry.refusedError ? { formErrors: [entry.refusedError] } : {}
		return replyWith(intent, submission.reply({ ...formErrors, hideFields: SECRET_FIELDS }), 400)
	}
	return orThrottledReply(submission, { hideFields: SECRET_FIELDS, extra: { intent } }, () =>
		entry.run({
			request,
			context,
			current,
			value: submission.value,
			reply: (options, status, extra) => replyWith(intent, submission.reply({ ...options, hideFields: SECRET_FIELDS }), status, extra),
		}),
	)
}
