/**
 * Schemas of the account forms (forgot/reset password, email verification,
 * settings), shared by the browser (conform) and the server (the actions).
 * No server imports here.
 */
import { z } from '#app/lib/forms/zod.ts'
import { EmailSchema, NameSchema, PASSWORD_MAX_LENGTH, PasswordSchema } from './auth.ts'

/** Reset and verification tokens are short; anything longer is forged. */
export const TOKEN_MAX_LENGTH = 2048

/** A password the user types to prove it is them: never a length hint. */
const CurrentPasswordSchema = (required: string) => z.string({ error: required }).min(1, required).max(1024, 'Incorrect password')

function confirmMatches(value: { newPassword: string; confirmPassword: string }, ctx: z.RefinementCtx) {
	if (value.newPassword !== value.confirmPassword) {
		ctx.addIssue({ code: 'custom', path: ['confirmPassword'], message: 'Passwords do not match' })
	}
}

export const ForgotPasswordSchema = z.object({ email: EmailSchema })

export const ResetPasswordSchema = z
	.object({
		token: z.string({ error: 'This reset link is invalid' }).max(TOKEN_MAX_LENGTH),
		newPassword: PasswordSchema,
		confirmPassword: z.string({ error: 'Confirm your password' }).max(PASSWORD_MAX_LENGTH),
	})
	.superRefine(confirmMatches)

export const ResendVerificationSchema = z.object({ email: EmailSchema })

export const UpdateNameSchema = z.object({
	intent: z.literal('update-name'),
	name: NameSchema,
})

export const ChangePasswordSchema = z
	.object({
		intent: z.literal('change-password'),
		currentPassword: CurrentPasswordSchema('Enter your current password'),
		newPassword: PasswordSchema,
		confirmPassword: z.string({ error: 'Confirm your password' }).max(PASSWORD_MAX_LENGTH),
		revokeOtherSessions: z.boolean().optional(),
	})
	.superRefine(confirmMatches)

export const RevokeSessionSchema = z.object({
	intent: z.literal('revoke-session'),
	sessionId: z.string({ error: 'Missing session' }).min(1).max(64),
})

export const RevokeOtherSessionsSchema = z.object({ intent: z.literal('revoke-other-sessions') })

export const DeleteAccountSchema = z.object({
	intent: z.literal('delete-account'),
	password: CurrentPasswordSchema('Enter your password to confirm'),
})

export const SETTINGS_INTENTS = ['update-name', 'change-password', 'revoke-session', 'revoke-other-sessions', 'delete-account'] as const
export type SettingsIntent = (typeof SETTINGS_INTENTS)[number]

export const INCORRECT_PASSWORD_MESSAGE = 'Incorrect password'
export const FORGOT_PASSWORD_SENT_MESSAGE =
	'If an account exists for that email, we have sent it a link to reset the password. The link works once and expires in one hour.'
export const INVALID_RESET_LINK_MESSAGE = 'This password reset link is invalid, has expired or has already been used.'
