/**
 * POST /api/tokens/exchange — `Authorization: Bearer tw_pat_…` (or a
 * command line's tw_cli_…) → `{ access_token, token_type: "Bearer",
 * expires_in }`, a JWT for the task API (app/lib/access-tokens/exchange.server.ts).
 * Throttled per IP, then per credential (429 with Retry-After, never a 401);
 * 401 for a credential that is not valid now; 503 when no JWT can be signed.
 */
import type { Route } from './+types/exchange'
import { clientIpOf } from '#app/context.server.ts'
import {
	bearerCredentialOf,
	credentialSubject,
	invalidCredential,
	jsonAnswer,
	methodNotAllowed,
	oauthError,
	overLimit,
} from '#app/lib/access-tokens/endpoint.server.ts'
import { exchangeCredential } from '#app/lib/access-tokens/exchange.server.ts'
import { TasksApiUnavailableError } from '#app/lib/tasks-api/errors.server.ts'
import { THROTTLE_RULES } from '#app/lib/throttle-rules.server.ts'

export const loader = () => methodNotAllowed()

export async function action({ request, context }: Route.ActionArgs) {
	const perIp = await overLimit(THROTTLE_RULES.tokenExchangePerIp, clientIpOf(context))
	if (perIp) return perIp
	const secret = bearerCredentialOf(request)
	if (!secret) return invalidCredential()
	const perToken = await overLimit(THROTTLE_RULES.tokenExchangePerToken, credentialSubject(secret))
	if (perToken) return perToken
	try {
		const exchanged = await exchangeCredential(request, context, secret)
		if (!exchanged) return invalidCredential()
		return jsonAnswer({ access_token: exchanged.accessToken, token_type: 'Bearer', expires_in: exchanged.expiresIn })
	} catch (error) {
		if (!(error instanceof TasksApiUnavailableError)) throw error
		return oauthError(503, 'temporarily_unavailable', 'Taskwell cannot sign a token right now; try again shortly.', { 'Retry-After': '5' })
	}
}
