/**
 * The account fields' zod schemas that the sign-in pages and Settings both
 * use (email, name, new and current password, a TOTP code, a redirect
 * target, an emailed token), shared by the browser and the server (the
 * actions, which are the authority). The forms' own schemas are in
 * app/routes/auth/+shared/schemas.ts and app/routes/settings/+shared/schemas.ts.
 * No server imports here.
 */
import { z } from '#app/lib/forms/zod.ts'
import { hasControlCharacters } from '#common/text-safety.ts'
import {
	CURRENT_PASSWORD_MAX_LENGTH,
	EMAIL_MAX_LENGTH,
	NAME_MAX_LENGTH,
	PASSWORD_MAX_LENGTH,
	PASSWORD_MIN_LENGTH,
} from './account-fields-plain.ts'

export { EMAIL_MAX_LENGTH, NAME_MAX_LENGTH, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH }

/** Reset and verification tokens are short; anything longer is forged. */
export const TOKEN_MAX_LENGTH = 2048

/** Trimmed and lower-cased before it is checked or stored. */
export const EmailSchema = z
	.string({ error: 'Email is required' })
	.trim()
	.toLowerCase()
	.min(1, 'Email is required')
	.max(EMAIL_MAX_LENGTH, `Email must be at most ${EMAIL_MAX_LENGTH} characters`)
	.pipe(z.email({ error: 'Enter a valid email address' }))

export const NameSchema = z
	.string({ error: 'Name is required' })
	.trim()
	.min(1, 'Name is required')
	.max(NAME_MAX_LENGTH, `Name must be at most ${NAME_MAX_LENGTH} characters`)
	// Shown beside other text (header, greeting): no bidi overrides or other
	// invisible controls (common/text-safety.ts).
	.refine((value) => !hasControlCharacters(value), "Name can't contain control characters")

/** Length only: no composition rules (NIST SP 800-63B). */
export const PasswordSchema = z
	.string({ error: 'Password is required' })
	.min(PASSWORD_MIN_LENGTH, `Password must be at least ${PASSWORD_MIN_LENGTH} characters`)
	.max(PASSWORD_MAX_LENGTH, `Password must be at most ${PASSWORD_MAX_LENGTH} characters`)

/** The "Confirm password" field beside a new password (confirmMatches checks it). */
export const ConfirmPasswordSchema = z.string({ error: 'Confirm your password' }).max(PASSWORD_MAX_LENGTH)

/** A password the user types to prove it is them: never a length hint. */
export const CurrentPasswordSchema = (required: string) =>
	z.string({ error: required }).min(1, required).max(CURRENT_PASSWORD_MAX_LENGTH, 'Incorrect password')

/** A new password and its confirmation must match (superRefine of a form with both). */
export function confirmMatches(value: { newPassword: string; confirmPassword: string }, ctx: z.RefinementCtx) {
	if (value.newPassword !== value.confirmPassword) {
		ctx.addIssue({ code: 'custom', path: ['confirmPassword'], message: 'Passwords do not match' })
	}
}

/** The shortest email name worth refusing inside a password ("al@…" is not). */
const MIN_EMAIL_NAME_LENGTH = 3

/**
 * A new password must not contain Taskwell's name or the name part of the
 * user's email (before the @, case-insensitive). The server also runs a
 * strength estimator (app/lib/password-strength.server.ts).
 */
export function passwordNameProblem(password: string, email?: string | null): string | null {
	const lower = password.toLowerCase()
	if (lower.includes('taskwell')) return 'Password must not contain the name Taskwell'
	const local = email?.split('@')[0]?.toLowerCase()
	if (local && local.length >= MIN_EMAIL_NAME_LENGTH && lower.includes(local))
		return 'Password must not contain the name part of your email address'
	return null
}

export const RedirectToSchema = z.string().max(2048).optional()

const CODE_REQUIRED = 'Enter the 6-digit code from your authenticator app'

/** A code from the authenticator app (spaces allowed, as people copy it). */
export const TotpCodeSchema = z
	.string({ error: CODE_REQUIRED })
	.trim()
	.transform((value) => value.replace(/\s+/g, ''))
	.pipe(z.string().regex(/^\d{6}$/, CODE_REQUIRED))

export const INVALID_CODE_MESSAGE = 'That code is not valid. Check your authenticator app and try again.'
