/**
 * The part of the Settings schemas that /settings needs when it loads, as
 * plain code (no zod): the intents its forms post and each form's HTML
 * constraints. The page then loads no schema library up front: the zod
 * schemas (schemas.ts) load when a form is first focused, for validation in
 * the browser (see useZodForm, app/lib/forms/use-zod-form.ts).
 */
import { BACKUP_CODE_MAX_LENGTH, FIELD_CONSTRAINTS as field } from '#app/lib/auth/account-fields-plain.ts'

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

export const ACCESS_TOKEN_INTENTS = ['create-access-token', 'revoke-access-token'] as const
export type AccessTokenIntent = (typeof ACCESS_TOKEN_INTENTS)[number]

/** Every intent a Settings form posts (the keys of the intent table, intents.server.ts). */
export const SETTINGS_INTENTS = [
	'update-name',
	'change-password',
	'delete-account',
	'revoke-session',
	'revoke-other-sessions',
	'change-email',
	'email-change-code',
	'link-provider',
	'unlink-provider',
	...TWO_FACTOR_INTENTS,
	...PASSKEY_INTENTS,
	...ACCESS_TOKEN_INTENTS,
] as const
export type SettingsIntent = (typeof SETTINGS_INTENTS)[number]

/**
 * Each form's HTML constraints, as `getFormConstraint(schema)` reads them
 * from its schema on the server (a unit test keeps the two equal:
 * schemas-plain.test.ts).
 */
export const FORM_CONSTRAINTS = {
	updateName: { intent: field.intent, name: field.name },
	changeEmail: { intent: field.intent, newEmail: field.email, currentPassword: field.currentPassword },
	changeEmailWithCode: { intent: field.intent, newEmail: field.email, code: { required: false, maxLength: 64 } },
	changePassword: {
		intent: field.intent,
		currentPassword: field.currentPassword,
		newPassword: field.newPassword,
		confirmPassword: field.confirmPassword,
		revokeOtherSessions: field.checkbox,
	},
	deleteAccount: { intent: field.intent, password: field.currentPassword },
	twoFactorEnable: { intent: field.intent, password: field.currentPassword },
	twoFactorVerify: { intent: field.intent, code: { required: true } },
	twoFactorRegenerate: { intent: field.intent, password: field.currentPassword },
	twoFactorDisable: {
		intent: field.intent,
		password: field.currentPassword,
		code: { required: true, minLength: 1, maxLength: BACKUP_CODE_MAX_LENGTH },
	},
	createAccessToken: {
		intent: field.intent,
		name: { required: true, minLength: 1, maxLength: 60 },
		expiresIn: { required: true, pattern: '7|30|90|never' },
		access: { required: true, pattern: 'read|read\\x2dwrite' },
		workspace: { required: true, minLength: 1, maxLength: 64 },
	},
}
