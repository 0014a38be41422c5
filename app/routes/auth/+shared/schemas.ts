/**
 * Schemas of the sign-in pages' forms (sign in, sign up, emailed links,
 * forgot/reset password, email verification, the second step of
 * two-factor), shared by the browser and the server (the actions, which
 * are the authority). The fields Settings uses too are in
 * app/lib/auth/account-fields.ts. No server imports here.
 */
import { z } from '#app/lib/forms/zod.ts'
import {
	ConfirmPasswordSchema,
	confirmMatches,
	EmailSchema,
	NameSchema,
	PasswordSchema,
	passwordNameProblem,
	RedirectToSchema,
	TOKEN_MAX_LENGTH,
	TotpCodeSchema,
} from '#app/lib/auth/account-fields.ts'

export const SignupSchema = z
	.object({
		name: NameSchema,
		email: EmailSchema,
		password: PasswordSchema,
		confirmPassword: ConfirmPasswordSchema,
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

/** "Continue with …" on /login and /signup. */
export const ProviderSignInSchema = z.object({
	intent: z.literal('provider'),
	provider: z.string({ error: 'Missing provider' }).regex(/^[a-z0-9-]{1,32}$/, 'Unknown provider'),
	redirectTo: RedirectToSchema,
})

/** "Email me a sign-in link" on /login: only the Email field counts. */
export const MagicLinkRequestSchema = z.object({
	intent: z.literal('magic-link'),
	email: EmailSchema,
	redirectTo: RedirectToSchema,
})

/** The token of an emailed link (/login/link, /change-email), from the page's hidden field. */
export const EmailedTokenSchema = z.object({ token: z.string({ error: 'This sign-in link is not valid' }).min(1).max(TOKEN_MAX_LENGTH) })

export const ForgotPasswordSchema = z.object({ email: EmailSchema })

export const ResetPasswordSchema = z
	.object({
		token: z.string({ error: 'This reset link is invalid' }).max(TOKEN_MAX_LENGTH),
		newPassword: PasswordSchema,
		confirmPassword: ConfirmPasswordSchema,
	})
	.superRefine(confirmMatches)

export const ResendVerificationSchema = z.object({ email: EmailSchema })

export const FORGOT_PASSWORD_SENT_MESSAGE =
	'If an account exists for that email, we have sent it a link to reset the password. The link works once and expires in one hour.'
export const INVALID_RESET_LINK_MESSAGE = 'This password reset link is invalid, has expired or has already been used.'

const BackupCodeSchema = z
	.string({ error: 'Enter one of your backup codes' })
	.trim()
	.min(1, 'Enter one of your backup codes')
	.max(64, 'Invalid backup code')

/** The second step of a sign-in: a TOTP code, or (method=backup) a backup code. */
export const SignInTotpSchema = z.object({
	code: TotpCodeSchema,
	trustDevice: z.boolean().optional(),
	redirectTo: z.string().max(2048).optional(),
})

export const SignInBackupCodeSchema = z.object({
	backupCode: BackupCodeSchema,
	trustDevice: z.boolean().optional(),
	redirectTo: z.string().max(2048).optional(),
})

export { INVALID_CODE_MESSAGE } from '#app/lib/auth/account-fields.ts'
export const INVALID_BACKUP_CODE_MESSAGE = 'That backup code is not valid or has already been used.'
