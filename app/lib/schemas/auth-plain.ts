/**
 * The part of the sign-in and account schemas that /login, /signup and
 * /settings need when they load, as plain code (no zod): the field limits,
 * each form's HTML constraints, the intents and messages the pages render.
 * Those pages then load no schema library up front: their zod schemas load
 * when a form is first focused, for validation in the browser (see
 * use-browser-validated-form.ts); the server validates with the same schemas
 * (auth.ts, account.ts, sign-in-methods.ts, two-factor.ts, passkeys.ts,
 * which re-export what is here).
 */

export const PASSWORD_MIN_LENGTH = 8
export const PASSWORD_MAX_LENGTH = 128
export const NAME_MAX_LENGTH = 100
export const EMAIL_MAX_LENGTH = 254
/** A password typed to prove who one is (never a length hint): only absurd input is refused. */
export const CURRENT_PASSWORD_MAX_LENGTH = 1024
export const REDIRECT_TO_MAX_LENGTH = 2048
export const BACKUP_CODE_MAX_LENGTH = 64

export const TWO_FACTOR_INTENTS = [
	'two-factor-enable',
	'two-factor-verify',
	'two-factor-cancel',
	'two-factor-regenerate',
	'two-factor-disable',
] as const
export type TwoFactorIntent = (typeof TWO_FACTOR_INTENTS)[number]

export const PASSKEY_INTENTS = ['passkey-rename', 'passkey-delete'] as const
export type PasskeyIntent = (typeof PASSKEY_INTENTS)[number]

export const MAGIC_LINK_SENT_MESSAGE =
	'If that address belongs to a Taskwell account, we have sent it a sign-in link. It works once, within 10 minutes.'

/** Messages for the ?error= codes Better Auth puts on /login (and /settings) after a provider round trip. */
const PROVIDER_ERRORS: Record<string, string> = {
	access_denied: 'Signing in with the provider was cancelled. Nothing has changed.',
	account_not_linked:
		'An account with this email already exists, and it was not linked to that provider automatically. Sign in with your password, then link the provider from Settings.',
	unable_to_link_account:
		'That provider account could not be linked: the provider must confirm its email address, and it must be the address of your Taskwell account.',
	email_doesn_t_match: 'That provider account has a different email address from your Taskwell account, so it was not linked.',
	email_does_not_match: 'That provider account has a different email address from your Taskwell account, so it was not linked.',
	account_already_linked_to_different_user: 'That provider account is already linked to another Taskwell account.',
	email_not_found: 'The provider did not share an email address, so we could not sign you in.',
	signup_disabled: 'There is no Taskwell account for that provider account.',
}
const RESTART_MESSAGE = 'That sign-in attempt expired or was not started here. Please try again.'
const GENERIC_PROVIDER_ERROR = 'Signing in with the provider did not work. Please try again, or sign in with your email.'

/** A fixed message for a code (never the code or a description from the URL). */
export function providerErrorMessage(code: string | null): string | undefined {
	if (!code) return undefined
	if (Object.hasOwn(PROVIDER_ERRORS, code)) return PROVIDER_ERRORS[code]
	if (/state|restart|callback/i.test(code)) return RESTART_MESSAGE
	return GENERIC_PROVIDER_ERROR
}

const intent = { required: true }
const email = { required: true, minLength: 1, maxLength: EMAIL_MAX_LENGTH }
const name = { required: true, minLength: 1, maxLength: NAME_MAX_LENGTH }
const newPassword = { required: true, minLength: PASSWORD_MIN_LENGTH, maxLength: PASSWORD_MAX_LENGTH }
const confirmPassword = { required: true, maxLength: PASSWORD_MAX_LENGTH }
const currentPassword = { required: true, minLength: 1, maxLength: CURRENT_PASSWORD_MAX_LENGTH }
const redirectTo = { required: false, maxLength: REDIRECT_TO_MAX_LENGTH }
const checkbox = { required: false }

/**
 * Each form's HTML constraints, as `getFormConstraint(schema)` reads them
 * from its schema on the server (a unit test keeps the two equal:
 * auth-plain.test.ts).
 */
export const FORM_CONSTRAINTS = {
	/** LoginSchema (its "Email me a sign-in link" button posts the same form). */
	login: { email, password: { required: true, maxLength: CURRENT_PASSWORD_MAX_LENGTH }, rememberMe: checkbox, redirectTo },
	signup: { name, email, password: newPassword, confirmPassword, redirectTo },
	updateName: { intent, name },
	changeEmail: { intent, newEmail: email, currentPassword },
	changeEmailWithCode: { intent, newEmail: email, code: { required: false, maxLength: 64 } },
	changePassword: { intent, currentPassword, newPassword, confirmPassword, revokeOtherSessions: checkbox },
	deleteAccount: { intent, password: currentPassword },
	twoFactorEnable: { intent, password: currentPassword },
	twoFactorVerify: { intent, code: { required: true } },
	twoFactorRegenerate: { intent, password: currentPassword },
	twoFactorDisable: { intent, password: currentPassword, code: { required: true, minLength: 1, maxLength: BACKUP_CODE_MAX_LENGTH } },
}
