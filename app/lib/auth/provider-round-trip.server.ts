/**
 * What a provider sign-in (/login, /signup: "Continue with …") and a
 * provider link (Settings: "Link …") share: both answer 302 to the
 * provider's authorization URL with Better Auth's state cookie, offer only
 * the configured providers, and say the same when a provider cannot be
 * reached.
 */
import { APIError } from 'better-auth/api'
import { logger } from '#app/lib/logger.server.ts'
import { configuredProviders } from '#app/lib/auth/providers.server.ts'
import { redirectWithAuthCookies } from './redirect-with-cookies.server.ts'

export const PROVIDER_NOT_AVAILABLE_MESSAGE = 'That sign-in provider is not available.'

export const PROVIDER_UNAVAILABLE_MESSAGE =
	'That sign-in provider cannot be reached right now. Please try again in a moment, or sign in with your email.'

export function isConfiguredProvider(id: string): boolean {
	return configuredProviders().some((provider) => provider.id === id)
}

/** A 302 to the provider that carries Better Auth's state cookie. */
export function redirectToProvider(url: string, authResponseHeaders: Headers): Response {
	return redirectWithAuthCookies(url, authResponseHeaders, { 'Cache-Control': 'no-store' })
}

/**
 * Better Auth could not build the provider's authorization URL: an OpenID
 * provider whose discovery document cannot be fetched is left out until it
 * can (PROVIDER_NOT_FOUND), or its configuration is unusable.
 */
export function isProviderUnavailable(error: unknown): boolean {
	if (!(error instanceof APIError)) return false
	logger.warn({ err: error, code: error.body?.code }, 'sign-in provider unavailable')
	return true
}
