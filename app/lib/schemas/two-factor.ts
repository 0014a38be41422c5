/**
 * Schemas of the two-factor forms (Settings and the second sign-in step),
 * shared by the browser (conform) and the server. No server imports here.
 */
import { z } from '#app/lib/forms/zod.ts'

const CODE_REQUIRED = 'Enter the 6-digit code from your authenticator app'
const password = (required: string) => z.string({ error: required }).min(1, required).max(1024, 'Incorrect password')

export const TotpCodeSchema = z
	.string({ error: CODE_REQUIRED })
	.trim()
	.transform((value) => value.replace(/\s+/g, ''))
	.pipe(z.string().regex(/^\d{6}$/, CODE_REQUIRED))

const BackupCodeSchema = z
	.string({ error: 'Enter one of your backup codes' })
	.trim()
	.min(1, 'Enter one of your backup codes')
	.max(64, 'Invalid backup code')

export const EnableTwoFactorSchema = z.object({
	intent: z.literal('two-factor-enable'),
	password: password('Enter your password to continue'),
})

export const VerifyTwoFactorSetupSchema = z.object({
	intent: z.literal('two-factor-verify'),
	code: TotpCodeSchema,
})

/** Discards a setup not yet confirmed by a code (its secret and backup codes). */
export const CancelTwoFactorSetupSchema = z.object({ intent: z.literal('two-factor-cancel') })

export const RegenerateBackupCodesSchema = z.object({
	intent: z.literal('two-factor-regenerate'),
	password: password('Enter your password to continue'),
})

export const DisableTwoFactorSchema = z.object({
	intent: z.literal('two-factor-disable'),
	password: password('Enter your password to continue'),
	code: z
		.string({ error: 'Enter a code from your authenticator app or a backup code' })
		.trim()
		.min(1, 'Enter a code from your authenticator app or a backup code')
		.max(64),
})

export { TWO_FACTOR_INTENTS, type TwoFactorIntent } from './auth-plain.ts'

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

export const INVALID_CODE_MESSAGE = 'That code is not valid. Check your authenticator app and try again.'
export const INVALID_BACKUP_CODE_MESSAGE = 'That backup code is not valid or has already been used.'
