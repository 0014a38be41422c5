/**
 * Schemas of the sign-in methods of issue 10 (provider buttons, the emailed
 * sign-in link, change email, linked accounts), shared by the browser
 * (conform) and the server. No server imports here.
 */
import { z } from './zod.ts'
import { EmailSchema } from './auth.ts'
import { TOKEN_MAX_LENGTH } from './account.ts'

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
