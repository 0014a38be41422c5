/**
 * POST /api/tokens/revoke — a program gives up its own credential (RFC 7009
 * style; `taskwell logout`): `Authorization: Bearer tw_cli_…` (or tw_pat_…).
 * The task API is told first, so JWTs minted from it end within 1 s; then
 * the credential is deleted. 200 whether or not it was still valid (nothing
 * to learn from the answer); 503 when the task API cannot be told (nothing
 * was revoked: try again). Throttled per IP.
 */
import type { Route } from './+types/revoke'
import { clientIpOf } from '#app/context.server.ts'
import { bearerCredentialOf, jsonAnswer, methodNotAllowed, oauthError, overLimit } from '#app/lib/access-tokens/endpoint.server.ts'
import { verifiedCredential } from '#app/lib/access-tokens/exchange.server.ts'
import { revokeAccessToken } from '#app/lib/access-tokens/tokens.server.ts'
import { TasksApiUnavailableError } from '#app/lib/tasks-api/errors.server.ts'
import { THROTTLE_RULES } from '#app/lib/throttle-rules.server.ts'

export const loader = () => methodNotAllowed()

export async function action({ request, context }: Route.ActionArgs) {
	const limited = await overLimit(THROTTLE_RULES.tokenRevokePerIp, clientIpOf(context))
	if (limited) return limited
	const secret = bearerCredentialOf(request)
	const credential = secret ? await verifiedCredential(secret) : null
	if (credential) {
		try {
			await revokeAccessToken(request, context, credential.userId, credential.id)
		} catch (error) {
			if (!(error instanceof TasksApiUnavailableError)) throw error
			return oauthError(503, 'temporarily_unavailable', 'The token could not be revoked right now; try again shortly.', {
				'Retry-After': '5',
			})
		}
	}
	return jsonAnswer({})
}
