/**
 * Schemas of the Settings forms (profile, email, password, sessions,
 * linked accounts, two-factor, passkeys, access tokens, delete account), shared by the
 * browser (loaded when a form is first used) and the server (the intent
 * table in intents.server.ts, which is the authority). No server imports
 * here. What the page needs when it loads, without zod: schemas-plain.ts.
 */
import { z } from '#app/lib/forms/zod.ts'
import { hasControlCharacters } from '#common/text-safety.ts'
import {
	ConfirmPasswordSchema,
	confirmMatches,
	CurrentPasswordSchema,
	EmailSchema,
	NameSchema,
	PasswordSchema,
	TotpCodeSchema,
} from '#app/lib/auth/account-fields.ts'

// ----------------------------------------------------- profile, password, account

export const UpdateNameSchema = z.object({
	intent: z.literal('update-name'),
	name: NameSchema,
})

export const ChangePasswordSchema = z
	.object({
		intent: z.literal('change-password'),
		currentPassword: CurrentPasswordSchema('Enter your current password'),
		newPassword: PasswordSchema,
		confirmPassword: ConfirmPasswordSchema,
		revokeOtherSessions: z.boolean().optional(),
	})
	.superRefine(confirmMatches)

export const DeleteAccountSchema = z.object({
	intent: z.literal('delete-account'),
	password: CurrentPasswordSchema('Enter your password to confirm'),
})

// -------------------------------------------------------------------- sessions

export const RevokeSessionSchema = z.object({
	intent: z.literal('revoke-session'),
	sessionId: z.string({ error: 'Missing session' }).min(1).max(64),
})

export const RevokeOtherSessionsSchema = z.object({ intent: z.literal('revoke-other-sessions') })

// ---------------------------------------------------------------- change email

export const ChangeEmailSchema = z.object({
	intent: z.literal('change-email'),
	newEmail: EmailSchema,
	currentPassword: CurrentPasswordSchema('Enter your current password'),
})

/** The 6-digit code mailed to the current address (spaces allowed, as people copy it). */
const EMAIL_CODE_MESSAGE = 'Enter the 6-digit code from your email'
const EmailCodeSchema = z
	.string({ error: EMAIL_CODE_MESSAGE })
	.trim()
	.max(64, EMAIL_CODE_MESSAGE)
	.transform((value) => value.replace(/\s+/g, ''))
	.pipe(z.string().regex(/^\d{6}$/, EMAIL_CODE_MESSAGE))

/**
 * Change email for an account without a password: a code from the current
 * address, which the server requires unless the session began moments ago.
 */
export const ChangeEmailWithCodeSchema = z.object({
	intent: z.literal('change-email'),
	newEmail: EmailSchema,
	code: EmailCodeSchema.optional(),
})

/** "Send a code" to the current address (accounts without a password). */
export const SendEmailChangeCodeSchema = z.object({ intent: z.literal('email-change-code') })

export const EMAIL_CODE_REQUIRED_MESSAGE = 'Send a code to your current address, then enter it here.'
export const INVALID_EMAIL_CODE_MESSAGE = 'That code is not valid or has expired. Send a new one if you need to.'

// ------------------------------------------------------------- linked accounts

export const LinkProviderSchema = z.object({
	intent: z.literal('link-provider'),
	provider: z.string({ error: 'Missing provider' }).regex(/^[a-z0-9-]{1,32}$/, 'Unknown provider'),
})

export const UnlinkProviderSchema = z.object({
	intent: z.literal('unlink-provider'),
	accountId: z.string({ error: 'Missing account' }).min(1).max(64),
})

// ------------------------------------------------------------------ two-factor

const TwoFactorPasswordSchema = CurrentPasswordSchema('Enter your password to continue')

/** A two-factor form that only asks for the password. */
const passwordOnly = <Intent extends string>(intent: Intent) => z.object({ intent: z.literal(intent), password: TwoFactorPasswordSchema })

export const EnableTwoFactorSchema = passwordOnly('two-factor-enable')

export const VerifyTwoFactorSetupSchema = z.object({
	intent: z.literal('two-factor-verify'),
	code: TotpCodeSchema,
})

/** Discards a setup not yet confirmed by a code (its secret and backup codes). */
export const CancelTwoFactorSetupSchema = z.object({ intent: z.literal('two-factor-cancel') })

export const RegenerateBackupCodesSchema = passwordOnly('two-factor-regenerate')

export const DisableTwoFactorSchema = z.object({
	intent: z.literal('two-factor-disable'),
	password: TwoFactorPasswordSchema,
	code: z
		.string({ error: 'Enter a code from your authenticator app or a backup code' })
		.trim()
		.min(1, 'Enter a code from your authenticator app or a backup code')
		.max(64),
})

export { INVALID_CODE_MESSAGE } from '#app/lib/auth/account-fields.ts'

// -------------------------------------------------------------------- passkeys

export const RenamePasskeySchema = z.object({
	intent: z.literal('passkey-rename'),
	id: z.string().min(1).max(64),
	name: z.string({ error: 'Give the passkey a name' }).trim().min(1, 'Give the passkey a name').max(64, 'At most 64 characters'),
})

export const DeletePasskeySchema = z.object({ intent: z.literal('passkey-delete'), id: z.string().min(1).max(64) })

// --------------------------------------------------------------- access tokens

export const ACCESS_TOKEN_NAME_MAX_LENGTH = 60
const ACCESS_TOKEN_NAME_MESSAGE = 'Give the token a name'

/**
 * "Create token": a name, how long it lasts, what it may do, and where
 * (`personal`, or the id of a workspace the account belongs to: the
 * action checks the membership).
 */
export const CreateAccessTokenSchema = z.object({
	intent: z.literal('create-access-token'),
	name: z
		.string({ error: ACCESS_TOKEN_NAME_MESSAGE })
		.trim()
		.min(1, ACCESS_TOKEN_NAME_MESSAGE)
		.max(ACCESS_TOKEN_NAME_MAX_LENGTH, `At most ${ACCESS_TOKEN_NAME_MAX_LENGTH} characters`)
		.refine((value) => !hasControlCharacters(value), "The name can't contain control characters"),
	expiresIn: z.enum(['7', '30', '90', 'never'], { error: 'Choose when the token expires' }),
	access: z.enum(['read', 'read-write'], { error: 'Choose what the token may do' }),
	workspace: z.string({ error: 'Choose the tasks the token reaches' }).min(1).max(64),
})

/** "Revoke": an access token or a signed-in command line, by id. */
export const RevokeAccessTokenSchema = z.object({ intent: z.literal('revoke-access-token'), id: z.string().min(1).max(64) })

export const INCORRECT_PASSWORD_MESSAGE = 'Incorrect password'
