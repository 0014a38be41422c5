/**
 * "Continue with …" on /login and /signup, on the server: the form's action
 * answers 302 to the provider (code flow, PKCE, state, with Better Auth's
 * state cookie), or the page again with a message. The round trip's shared
 * parts (with "Link …" in Settings): app/lib/auth/provider-round-trip.server.ts.
 */
import { parseWithZod } from '@conform-to/zod/v4'
import { data } from 'react-router'
import {
	isConfiguredProvider,
	isProviderUnavailable,
	PROVIDER_NOT_AVAILABLE_MESSAGE,
	PROVIDER_UNAVAILABLE_MESSAGE,
	redirectToProvider,
} from '#app/lib/auth/provider-round-trip.server.ts'
import { auth } from '#app/lib/auth/better-auth.server.ts'
import { safeRedirect } from '#app/lib/http/redirect.ts'
import { clientIpOf, type ContextReader } from '#app/context.server.ts'
import { authHeaders, requireAnonymous } from '#app/lib/auth/session.server.ts'
import { configuredProviders } from '#app/lib/auth/providers.server.ts'
import { takeAttempt, ThrottledError, throttleMessage } from '#app/lib/throttle.server.ts'
import { THROTTLE_RULES } from '#app/lib/throttle-rules.server.ts'
import { ProviderSignInSchema } from './schemas.ts'

/**
 * The loader of /login and /signup: a signed-in user goes to their tasks;
 * anyone else gets the page with a "Continue with …" button per configured
 * provider.
 */
export async function signInPageLoader({ request, context }: { request: Request; context: ContextReader }) {
	await requireAnonymous(request, context)
	return { providers: configuredProviders() }
}

/**
 * 302 to the provider's authorization URL. Back from the provider, Better
 * Auth's callback signs the user in and sends them to `redirectTo`
 * (sanitised), or to /login?error=… (keeping redirectTo) when anything failed.
 */
export async function startProviderSignIn(
	request: Request,
	context: ContextReader,
	provider: string,
	redirectTo: string | undefined,
): Promise<Response> {
	await takeAttempt(THROTTLE_RULES.signInPerIp, clientIpOf(context))
	const target = safeRedirect(redirectTo)
	// A failure comes back to /login with its ?error= code, still holding redirectTo.
	const errorTarget = redirectTo ? `/login?${new URLSearchParams({ redirectTo: target })}` : '/login'
	const { headers, response } = await auth.api.signInSocial({
		body: { provider, callbackURL: target, errorCallbackURL: errorTarget, disableRedirect: true },
		headers: authHeaders(request, context),
		returnHeaders: true,
	})
	if (!response || !('url' in response) || !response.url) throw new Error('Better Auth returned no authorization URL')
	return redirectToProvider(response.url, headers)
}

/**
 * The action of a "Continue with …" form (/login, /signup): 302 to the
 * provider, or the page again with a message (unknown provider, throttled).
 */
export async function providerIntent(request: Request, context: ContextReader, formData: FormData) {
	const submission = parseWithZod(formData, { schema: ProviderSignInSchema })
	if (submission.status !== 'success' || !isConfiguredProvider(submission.value.provider)) {
		return data({ providerError: PROVIDER_NOT_AVAILABLE_MESSAGE }, { status: 400 })
	}
	try {
		return await startProviderSignIn(request, context, submission.value.provider, submission.value.redirectTo)
	} catch (error) {
		if (isProviderUnavailable(error))
			return data({ providerError: PROVIDER_UNAVAILABLE_MESSAGE }, { status: 503, headers: { 'Retry-After': '30' } })
		if (!(error instanceof ThrottledError)) throw error
		return data(
			{ providerError: throttleMessage(error.retryAfterSeconds) },
			{ status: 429, headers: { 'Retry-After': String(error.retryAfterSeconds) } },
		)
	}
}
