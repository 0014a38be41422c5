/**
 * Form schemas shared by the browser (conform's client validation) and the
 * server (the action, which is the authority). No server imports here.
 */
import { z } from '#app/lib/forms/zod.ts'
import { hasControlCharacters } from '#common/text-safety.ts'
import { EMAIL_MAX_LENGTH, NAME_MAX_LENGTH, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from './auth-plain.ts'

export { EMAIL_MAX_LENGTH, NAME_MAX_LENGTH, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH }

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

/** The shortest email name worth refusing inside a password ("al@…" is not). */
const MIN_EMAIL_NAME_LENGTH = 3

/**
 * A new password must not contain Taskwell's name or the name part of the
 * user's email (before the @, case-insensitive). The server also runs a
 * strength estimator (app/lib/auth/password-strength.server.ts).
 */
export function passwordNameProblem(password: string, email?: string | null): string | null {
	const lower = password.toLowerCase()
	if (lower.includes('taskwell')) return 'Password must not contain the name Taskwell'
	const local = email?.split('@')[0]?.toLowerCase()
	if (local && local.length >= MIN_EMAIL_NAME_LENGTH && lower.includes(local))
		return 'Password must not contain the name part of your email address'
	return null
}

const RedirectToSchema = z.string().max(2048).optional()

export const SignupSchema = z
	.object({
		name: NameSchema,
		email: EmailSchema,
		password: PasswordSchema,
		confirmPassword: z.string({ error: 'Confirm your password' }).max(PASSWORD_MAX_LENGTH),
		redirectTo: RedirectToSchema,
	})
	.superRefine((value, ctx) => {
		const named = passwordNameProblem(value.password, value.email)
		if (named) ctx.addIssue({ code: 'custom', path: ['password'], message: named })
		if (value.password !== value.confirmPassword) {
			ctx.addIssue({
				code: 'custom',
				path: ['confirmPassword'],
				message: 'Passwords do not match',
			})
		}
	})

export const LoginSchema = z.object({
	email: EmailSchema,
	// No length rules on sign-in: they would hint at what a password is.
	// The upper bound only keeps absurd input away from the hasher.
	password: z.string({ error: 'Password is required' }).max(1024, 'Invalid email or password'),
	rememberMe: z.boolean().optional(),
	redirectTo: RedirectToSchema,
})

export const INVALID_CREDENTIALS_MESSAGE = 'Invalid email or password'
