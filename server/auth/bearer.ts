/**
 * Middleware for every /v1 route: a verified bearer token or nothing.
 * Every failure looks the same to the caller (401, `invalid_token`, one
 * generic sentence); only an unreachable key set is different (503).
 */
import type { MiddlewareHandler } from 'hono'
import type { ApiEnv } from '#server/context.ts'
import { problem } from '#server/problem.ts'
import { MAX_TOKEN_LENGTH, type TokenVerifier } from './verify-token.ts'

const KEYS_RETRY_AFTER_SECONDS = 5

export function requireBearerToken(verifier: TokenVerifier): MiddlewareHandler<ApiEnv> {
	return async (c, next) => {
		const header = c.req.header('authorization')
		const [scheme, ...rest] = (header ?? '').trim().split(/\s+/)
		if (!header || scheme?.toLowerCase() !== 'bearer') {
			return problem(c, 401, 'A bearer token is required.', {
				headers: { 'WWW-Authenticate': 'Bearer' },
			})
		}
		const invalid = () =>
			problem(c, 401, 'The bearer token is invalid or expired.', {
				headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' },
			})
		const token = rest.length === 1 ? rest[0]! : ''
		if (token === '' || token.length > MAX_TOKEN_LENGTH) return invalid()
		const result = await verifier.verify(token)
		if (!result.ok) {
			if (result.reason === 'unavailable') {
				return problem(c, 503, 'The signing keys cannot be fetched right now; try again shortly.', {
					headers: { 'Retry-After': String(KEYS_RETRY_AFTER_SECONDS) },
				})
			}
			return invalid()
		}
		c.set('userId', result.userId)
		// Only the accept-invitation route reads it; the request log never does.
		c.set('email', result.email)
		c.set('tokenIssuedAt', result.issuedAt)
		c.set('actorId', result.actorId)
		c.set('scope', result.scope)
		c.set('tokenId', result.tokenId)
		c.set('workspaceId', result.workspaceId)
		await next()
	}
}
