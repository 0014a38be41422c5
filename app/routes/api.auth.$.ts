/**
 * Better Auth's HTTP endpoints under /api/auth/*. The HTTP server
 * (app-server.ts) has already refused cross-site POSTs. Only the allowlisted routes
 * (OPEN_AUTH_ROUTES in auth.server.ts: the task API's key set) reach Better
 * Auth; everything else is a 404 here, before Better Auth (or its rate
 * limiter) does any work. The browser never gets a JWT, a session token,
 * or a way around the app's throttled forms.
 */
import type { Route } from './+types/api.auth.$'
import { auth, isOpenAuthRoute } from '#app/lib/auth/better-auth.server.ts'
import { finishPasskeySignIn, passkeySignInHeaders, rememberMeOf } from '#app/lib/auth/passkey-remember-me.server.ts'
import { recordSecurityEvent } from '#app/lib/auth/security-events.server.ts'
import { authHeaders, getCurrentSession } from '#app/lib/auth/session.server.ts'

async function forward(request: Request, context: Route.LoaderArgs['context']) {
	if (!isOpenAuthRoute(request)) {
		return new Response('Not Found', { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' } })
	}
	const path = new URL(request.url).pathname
	// An admin acting as the user adds no passkey to the account (Settings shows none of its forms either).
	if (/\/passkey\/(?:generate-register-options|verify-registration)$/.test(path)) {
		const current = await getCurrentSession(request, context)
		if (current?.session.impersonatedBy) {
			return new Response('Not while acting as this user', { status: 403, headers: { 'content-type': 'text/plain; charset=utf-8' } })
		}
	}
	const isPasskeySignIn = path.endsWith('/passkey/verify-authentication')
	// "Remember me" (the page sends the checkbox): see passkey-remember-me.server.ts.
	const rememberMe = isPasskeySignIn && rememberMeOf(request)
	const forwarded = isPasskeySignIn
		? await passkeySignInHeaders(authHeaders(request, context), rememberMe)
		: { headers: authHeaders(request, context), hadDontRemember: false }
	const response = await auth.handler(new Request(request, { headers: forwarded.headers }))
	if (path.endsWith('/passkey/verify-registration') && response.ok) {
		const current = await getCurrentSession(request, context)
		if (current)
			await recordSecurityEvent(request, context, { type: 'passkey-added', userId: current.user.id, sessionId: current.session.id })
	}
	if (isPasskeySignIn && response.ok) {
		// Better Auth answers with the session (its token included): the
		// browser gets only the HttpOnly cookie and a bare "ok".
		const body = (await response.json()) as { session?: { id?: string; userId?: string } }
		if (body.session?.userId) {
			await recordSecurityEvent(request, context, {
				type: 'sign-in',
				userId: body.session.userId,
				sessionId: body.session.id ?? null,
				method: 'passkey',
			})
		}
		const headers = new Headers(response.headers)
		await finishPasskeySignIn(headers, body.session?.id, { rememberMe, hadDontRemember: forwarded.hadDontRemember })
		headers.delete('content-length')
		headers.set('cache-control', 'no-store')
		return new Response(JSON.stringify({ status: true }), { status: 200, headers })
	}
	return response
}

export function loader({ request, context }: Route.LoaderArgs) {
	return forward(request, context)
}

export function action({ request, context }: Route.ActionArgs) {
	return forward(request, context)
}
