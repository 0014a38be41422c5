/**
 * Better Auth's HTTP endpoints under /api/auth/*. The root middleware has
 * already refused cross-site POSTs. The token endpoint and the credential
 * endpoints are disabled in auth.server.ts (404): the browser never gets a
 * JWT and signs in only through the app's throttled forms.
 */
import type { Route } from './+types/api.auth.$'
import { auth } from '../lib/auth.server.ts'
import { authHeaders } from '../lib/session.server.ts'

function forward(request: Request, context: Route.LoaderArgs['context']) {
	return auth.handler(new Request(request, { headers: authHeaders(request, context) }))
}

export function loader({ request, context }: Route.LoaderArgs) {
	return forward(request, context)
}

export function action({ request, context }: Route.ActionArgs) {
	return forward(request, context)
}
