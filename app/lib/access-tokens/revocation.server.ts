/**
 * Telling the task API that an access token (or a command line's
 * credential) was revoked: PUT /v1/me/access-tokens/{id}/revocation with a
 * token minted for that call alone, the account as `sub` and
 * `scope: "access-tokens:revoke"`. From the moment the API answers, every
 * instance refuses JWTs carrying that token id within 1 s (the API's
 * per-process snapshot, server/auth/account-blocks.ts), so JWTs the
 * exchange minted before the revocation stop working long before they
 * expire. A failure throws TasksApiUnavailableError: the caller keeps the
 * token (nothing was revoked) and says so.
 */
import { accessTokenRevocationPath, ACCESS_TOKEN_REVOKE_SCOPE } from '#common/access-tokens-contract.ts'
import { getEnv } from '#app/lib/env.server.ts'
import { logger } from '#app/lib/logger.server.ts'
import { TasksApiUnavailableError } from '#app/lib/tasks-api/errors.server.ts'
import { tokenForOneCall } from '#app/lib/tasks-api/token-cache.server.ts'
import { sendToApi, unreachableReason } from '#app/lib/tasks-api/transport.server.ts'

export async function tellTaskApiRevoked(userId: string, tokenId: string): Promise<void> {
	const env = getEnv()
	const token = await tokenForOneCall({ sub: userId, scope: ACCESS_TOKEN_REVOKE_SCOPE })
	let status: number
	try {
		const answer = await sendToApi(`${env.TASKS_API_URL}${accessTokenRevocationPath(tokenId)}`, {
			method: 'PUT',
			headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
			timeoutMs: env.TASKS_API_TIMEOUT_MS,
			signal: new AbortController().signal,
		})
		status = answer.status
		await answer.discard()
	} catch (error) {
		logger.error({ err: error, tokenId }, 'could not tell the task API that an access token was revoked')
		throw new TasksApiUnavailableError(unreachableReason(error))
	}
	if (status !== 204) {
		logger.error({ status, tokenId }, 'the task API refused an access token revocation')
		throw new TasksApiUnavailableError('server-error')
	}
}
