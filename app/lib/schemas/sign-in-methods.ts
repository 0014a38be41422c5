/**
 * Schemas of the sign-in methods of issue 10 (provider buttons, the emailed
 * sign-in link, change email, linked accounts), shared by the browser
 * (conform) and the server. No server imports here.
 */
import { z } from '#app/lib/forms/zod.ts'
import { EmailSchema } from './auth.ts'
import { TOKEN_MAX_LENGTH } from './account.ts'

export { MAGIC_LINK_SENT_MESSAGE, providerErrorMessage } from './auth-plain.ts'

const RedirectToSchema = z.string().max(2048).optional()
const ProviderIdSchema = z.string({ error: 'Missing provider' }).regex(/^[a-z0-9-]{1,32}$/, 'Unknown provider')

/** "Continue with …" on /login and /signup. */
export const ProviderSignInSchema = z.object({
	intent: z.literal('provider'),
	provider: ProviderIdSchema,
	redirectTo: RedirectToSchema,
})

/** "Email me a sign-in link" on /login: only the Email field counts. */
export const MagicLinkRequestSchema = z.object({
	intent: z.literal('magic-link'),
	email: EmailSchema,
	redirectTo: RedirectToSchema,
})

export const MagicLinkVerifySchema = z.object({ token: z.string({ error: 'This sign-in link is not valid' }).min(1).max(TOKEN_MAX_LENGTH) })

export const ChangeEmailSchema = z.object({
	intent: z.literal('change-email'),
	newEmail: EmailSchema,
	currentPassword: z.string({ error: 'Enter your current password' }).min(1, 'Enter your current password').max(1024, 'Incorrect password'),
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

export const LinkProviderSchema = z.object({ intent: z.literal('link-provider'), provider: ProviderIdSchema })

export const UnlinkProviderSchema = z.object({
	intent: z.literal('unlink-provider'),
	accountId: z.string({ error: 'Missing account' }).min(1).max(64),
})
