/**
 * The messages for the ?error= codes Better Auth puts on /login (and
 * /settings) after a provider round trip: fixed text for each code, never
 * the code or a description from the URL. Plain code: both pages render it.
 */
import { SUSPENDED_MESSAGE } from './suspended.ts'

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
	// Better Auth's admin plugin refused the session: the account is suspended.
	banned_user: SUSPENDED_MESSAGE,
	BANNED_USER: SUSPENDED_MESSAGE,
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
