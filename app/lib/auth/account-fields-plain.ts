/**
 * The account fields' limits and HTML constraints as plain code (no zod),
 * shared by the sign-in pages and Settings: their form constraints
 * (app/routes/auth/+shared/schemas-plain.ts,
 * app/routes/settings/+shared/schemas-plain.ts) are built from these, so
 * /login, /signup and /settings load no schema library up front (see
 * useZodForm). The zod schemas (account-fields.ts) use
 * the same numbers.
 */

export const PASSWORD_MIN_LENGTH = 8
export const PASSWORD_MAX_LENGTH = 128
export const NAME_MAX_LENGTH = 100
export const EMAIL_MAX_LENGTH = 254
/** A password typed to prove who one is (never a length hint): only absurd input is refused. */
export const CURRENT_PASSWORD_MAX_LENGTH = 1024
export const REDIRECT_TO_MAX_LENGTH = 2048
export const BACKUP_CODE_MAX_LENGTH = 64

/** Each kind of field's HTML constraints, as getFormConstraint() reads them from its schema. */
export const FIELD_CONSTRAINTS = {
	intent: { required: true },
	email: { required: true, minLength: 1, maxLength: EMAIL_MAX_LENGTH },
	name: { required: true, minLength: 1, maxLength: NAME_MAX_LENGTH },
	newPassword: { required: true, minLength: PASSWORD_MIN_LENGTH, maxLength: PASSWORD_MAX_LENGTH },
	confirmPassword: { required: true, maxLength: PASSWORD_MAX_LENGTH },
	currentPassword: { required: true, minLength: 1, maxLength: CURRENT_PASSWORD_MAX_LENGTH },
	redirectTo: { required: false, maxLength: REDIRECT_TO_MAX_LENGTH },
	checkbox: { required: false },
}
