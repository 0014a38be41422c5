/**
 * Better Auth's HTTP endpoints under /api/auth/*. The HTTP server
 * (app-server.ts) has already refused cross-site POSTs. Only the allowlisted routes
 * (OPEN_AUTH_ROUTES in auth.server.ts: the task API's key set) reach Better
 * Auth; everything else is a 404 here, before Better Auth (or its rate
 * limiter) does any work. The browser never gets a JWT, a session token,
 * or a way around the app's throttled forms.
 */
import type { Route } from './+types/api.auth.$'
import { auth, isOpenAuthRoute } from '#app/lib/auth.server.ts'
import { authHeaders } from '#app/lib/session.server.ts'

function forward(request: Request, context: Route.LoaderArgs['context']) {
	if (!isOpenAuthRoute(request)) {
		return new Response('Not Found', { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' } })
	}
	return auth.handler(new Request(request, { headers: authHeaders(request, context) }))
}

export function loader({ request, context }: Route.LoaderArgs) {
	return forward(request, context)
}

export function action({ request, context }: Route.ActionArgs) {
	return forward(request, context)
}
