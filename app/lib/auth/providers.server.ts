/**
 * The sign-in providers (issue 10), each on only when its variables are set:
 * GitHub and Google through Better Auth's own social providers, any OpenID
 * Connect provider through its generic OAuth plugin (discovery, PKCE, ID
 * token checked against the provider's keys). Every flow is the
 * authorization code flow with PKCE and state; Better Auth keeps the code
 * verifier and the redirect target in its state (a database row bound to a
 * signed cookie), never in the URL.
 */
import type { SocialProviders } from 'better-auth/social-providers'
import type { GenericOAuthConfig } from 'better-auth/plugins/generic-oauth'
import { getEnv, type AppEnv } from '#app/lib/env.server.ts'

export const OIDC_PROVIDER_ID = 'oidc'

export type ProviderSummary = { id: string; name: string }

/** The providers this instance offers, in the order their buttons appear. */
export function configuredProviders(env: AppEnv = getEnv()): ProviderSummary[] {
	const providers: ProviderSummary[] = []
	if (env.GITHUB_CLIENT_ID && env.GITHUB_CLIENT_SECRET) providers.push({ id: 'github', name: 'GitHub' })
	if (env.GOOGLE_CLIENT_ID && env.GOOGLE_CLIENT_SECRET) providers.push({ id: 'google', name: 'Google' })
	if (env.OIDC_ISSUER && env.OIDC_CLIENT_ID && env.OIDC_CLIENT_SECRET) {
		providers.push({ id: OIDC_PROVIDER_ID, name: env.OIDC_PROVIDER_NAME })
	}
	return providers
}

export function providerName(id: string, env: AppEnv = getEnv()): string {
	if (id === 'credential') return 'Password'
	return configuredProviders(env).find((provider) => provider.id === id)?.name ?? id
}

/**
 * Where the provider buttons' redirects go (the page's CSP form-action must
 * allow them): GitHub's and Google's authorization servers, and the OpenID
 * provider's issuer origin (where its authorization endpoint lives).
 */
export function providerFormActionOrigins(env: AppEnv): string[] {
	const origins: string[] = []
	if (env.GITHUB_CLIENT_ID && env.GITHUB_CLIENT_SECRET) origins.push('https://github.com')
	if (env.GOOGLE_CLIENT_ID && env.GOOGLE_CLIENT_SECRET) origins.push('https://accounts.google.com')
	if (env.OIDC_ISSUER && env.OIDC_CLIENT_ID && env.OIDC_CLIENT_SECRET) origins.push(new URL(env.OIDC_ISSUER).origin)
	return origins
}

/** The URL to register with a provider as its redirect (callback) URL. */
export function providerCallbackUrl(id: string, env: AppEnv = getEnv()): string {
	return `${env.BETTER_AUTH_URL}/api/auth/callback/${id}`
}

/** Better Auth's `socialProviders` option. */
export function socialProvidersOption(env: AppEnv): SocialProviders {
	return {
		...(env.GITHUB_CLIENT_ID && env.GITHUB_CLIENT_SECRET
			? { github: { clientId: env.GITHUB_CLIENT_ID, clientSecret: env.GITHUB_CLIENT_SECRET } }
			: {}),
		...(env.GOOGLE_CLIENT_ID && env.GOOGLE_CLIENT_SECRET
			? { google: { clientId: env.GOOGLE_CLIENT_ID, clientSecret: env.GOOGLE_CLIENT_SECRET, prompt: 'select_account' as const } }
			: {}),
	}
}

/** The generic OAuth plugin's providers: the OpenID Connect one, if configured. */
export function genericOAuthConfig(env: AppEnv): GenericOAuthConfig[] {
	if (!env.OIDC_ISSUER || !env.OIDC_CLIENT_ID || !env.OIDC_CLIENT_SECRET) return []
	return [
		{
			providerId: OIDC_PROVIDER_ID,
			name: env.OIDC_PROVIDER_NAME,
			discoveryUrl: `${env.OIDC_ISSUER}/.well-known/openid-configuration`,
			clientId: env.OIDC_CLIENT_ID,
			clientSecret: env.OIDC_CLIENT_SECRET,
			scopes: ['openid', 'email', 'profile'],
			pkce: true,
			// The ID token must verify against the issuer's published keys.
			requireIdTokenVerification: true,
		},
	]
}
