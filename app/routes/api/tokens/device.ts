/**
 * POST /api/tokens/device — the command line's poll (RFC 8628 §3.4):
 * `{ device_code, client_id }` (grant_type optional, and if given the
 * device-code grant). Allowed → `{ refresh_token: "tw_cli_…", token_type:
 * "refresh", scope }`, a credential only the exchange accepts; otherwise
 * 400 with the RFC's error (authorization_pending, slow_down,
 * expired_token, access_denied, invalid_grant, invalid_client). Throttled per IP.
 */
import type { Route } from './+types/device'
import { clientIpOf } from '#app/context.server.ts'
import { DEVICE_GRANT_TYPE, redeemDeviceCode } from '#app/lib/access-tokens/device.server.ts'
import { bodyParams, jsonAnswer, methodNotAllowed, oauthError, overLimit } from '#app/lib/access-tokens/endpoint.server.ts'
import { THROTTLE_RULES } from '#app/lib/throttle-rules.server.ts'

export const loader = () => methodNotAllowed()

export async function action({ request, context }: Route.ActionArgs) {
	const limited = await overLimit(THROTTLE_RULES.devicePollPerIp, clientIpOf(context))
	if (limited) return limited
	const params = await bodyParams(request)
	if (!params?.device_code || !params.client_id) return oauthError(400, 'invalid_request', 'device_code and client_id are required.')
	if (params.grant_type !== undefined && params.grant_type !== DEVICE_GRANT_TYPE) {
		return oauthError(400, 'unsupported_grant_type', `grant_type must be ${DEVICE_GRANT_TYPE}.`)
	}
	const redeemed = await redeemDeviceCode(params.device_code, params.client_id)
	if ('error' in redeemed) return oauthError(redeemed.status, redeemed.error, redeemed.description)
	return jsonAnswer({ refresh_token: redeemed.refreshToken, token_type: 'refresh', scope: redeemed.scope })
}
