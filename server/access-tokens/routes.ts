/**
 * PUT /v1/me/access-tokens/{tokenId}/revocation (issue 26): the app tells
 * the API that an access token (a personal access token, a CLI credential)
 * was revoked, with a token it mints for the purpose: the user's `sub` and
 * a `scope` holding `access-tokens:revoke`. Any other token is refused
 * (403) before the path is looked at, and an access-token JWT never gets
 * here (server/auth/access-token-limits.ts: 403). The route is exempt from
 * the suspension check (server/auth/account-blocks.ts): an admin revokes a
 * suspended account's tokens too. From 1 s after its 204, every JWT whose
 * `tid` is that token is refused on every instance.
 */
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi'
import { z } from 'zod'
import {
	ACCESS_TOKEN_ID_MAX_LENGTH,
	ACCESS_TOKEN_REVOKE_REFUSAL,
	ACCESS_TOKEN_REVOKE_SCOPE,
	ACCESS_TOKEN_REVOKED_DETAIL,
} from '#common/access-tokens-contract.ts'
import { hasScope } from '#server/auth/verify-token.ts'
import type { ApiEnv } from '#server/context.ts'
import { authResponses, problemResponse, security } from '#server/openapi-parts.ts'
import { problem } from '#server/problem.ts'
import type { TasksDb } from '#server/tasks/repository.ts'
import { revokeAccessToken } from './repository.ts'

/** Hono's pattern of the route (common/access-tokens-contract.ts accessTokenRevocationPath builds one). */
const REVOCATION_PATTERN = '/v1/me/access-tokens/:tokenId/revocation'
const REVOCATION_PATH = /^\/v1\/me\/access-tokens\/[^/]+\/revocation$/

/** What passes a suspension here: the revocation, with the scope that may record it. */
export const isAccessTokenRevocation = (method: string, path: string, scope: string | undefined) =>
	method === 'PUT' && REVOCATION_PATH.test(path) && hasScope(scope, ACCESS_TOKEN_REVOKE_SCOPE)

const tokenIdParams = z.object({
	tokenId: z
		.string()
		.min(1)
		.max(ACCESS_TOKEN_ID_MAX_LENGTH)
		.meta({
			param: { name: 'tokenId', in: 'path' },
			description: 'The access token’s id (the app’s; 1–255 characters), as JWTs carry it in `tid`.',
		}),
})

const putRevocationRoute = createRoute({
	method: 'put',
	path: '/v1/me/access-tokens/{tokenId}/revocation',
	tags: ['Accounts'],
	summary: 'Record that an access token was revoked (the app)',
	description: `Only a token whose \`scope\` contains \`${ACCESS_TOKEN_REVOKE_SCOPE}\` may call it (never an access-token JWT, one with \`tid\`); the account is the token’s \`sub\`. No body. From then on every JWT whose \`tid\` is this id answers 401 "${ACCESS_TOKEN_REVOKED_DETAIL}" on every /v1 route of every instance within 1 s. Idempotent: a repeat keeps the first revocation. It answers while the account is suspended.`,
	security,
	request: { params: tokenIdParams },
	responses: {
		204: { description: 'Recorded (also when it was already).' },
		403: problemResponse(`The token’s \`scope\` does not contain \`${ACCESS_TOKEN_REVOKE_SCOPE}\`, or it is an access-token JWT.`),
		422: problemResponse('A token id longer than 255 characters: `errors` names `tokenId`.'),
		...authResponses,
	},
})

export function registerAccessTokenRoutes(app: OpenAPIHono<ApiEnv>, db: TasksDb): void {
	// The token first: one without the scope learns nothing about the path (403 before any 422).
	app.use(REVOCATION_PATTERN, async (c, next) => {
		if (!hasScope(c.var.scope, ACCESS_TOKEN_REVOKE_SCOPE)) return problem(c, 403, ACCESS_TOKEN_REVOKE_REFUSAL)
		await next()
	})
	app.openapi(putRevocationRoute, async (c) => {
		const { tokenId } = c.req.valid('param')
		await revokeAccessToken(db, tokenId, c.var.userId)
		return c.body(null, 204)
	})
}
