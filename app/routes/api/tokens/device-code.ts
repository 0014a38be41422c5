/**
 * POST /api/tokens/device-code — the command line asks to sign in (RFC 8628
 * device authorization request): `{ client_id, scope }` (JSON or form) →
 * `{ device_code, user_code, verification_uri, verification_uri_complete,
 * expires_in, interval }`. Only allowlisted client ids (DEVICE_CLIENTS) and
 * the scopes tasks:read / tasks:write. Throttled per IP.
 */
import type { Route } from './+types/device-code'
import { clientIpOf } from '#app/context.server.ts'
import { startDeviceSignIn } from '#app/lib/access-tokens/device.server.ts'
import { bodyParams, jsonAnswer, methodNotAllowed, oauthError, overLimit } from '#app/lib/access-tokens/endpoint.server.ts'
import { THROTTLE_RULES } from '#app/lib/throttle-rules.server.ts'

export const loader = () => methodNotAllowed()

export async function action({ request, context }: Route.ActionArgs) {
	const limited = await overLimit(THROTTLE_RULES.deviceCodePerIp, clientIpOf(context))
	if (limited) return limited
	const params = await bodyParams(request)
	if (!params?.client_id) return oauthError(400, 'invalid_request', 'client_id is required.')
	const started = await startDeviceSignIn(params.client_id, params.scope)
	if ('error' in started && typeof started.status === 'number') {
		return oauthError(started.status, String(started.error), String(started.description))
	}
	return jsonAnswer(started)
}
