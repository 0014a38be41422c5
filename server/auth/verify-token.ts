/**
 * Bearer-token verification: the only thing the task API trusts.
 * - EdDSA only, keys only from the app's JWKS (AUTH_JWKS_URL): keys carried in
 *   the token's own header (jwk, jku, x5u, x5c) are never looked at.
 * - issuer, audience, sub/exp/iat required, ≤ 30 s clock tolerance, and a
 *   maximum age equal to the app's token lifetime (5 minutes).
 * - The key set is cached; an unknown `kid` triggers one refetch (jose's
 *   cooldown rate-limits it), so keys rotated by the app are picked up
 *   without a restart. When the set cannot be fetched and no cached key
 *   matches, the caller learns "unavailable" (503), not "invalid" (401).
 */
import {
	createLocalJWKSet,
	createRemoteJWKSet,
	errors,
	jwtVerify,
	type JWTHeaderParameters,
	type FlattenedJWSInput,
} from 'jose'

/** Tokens longer than this are refused before any parsing. */
export const MAX_TOKEN_LENGTH = 8 * 1024
/** The app mints tokens valid for 5 minutes. */
export const MAX_TOKEN_AGE_SECONDS = 5 * 60
export const CLOCK_TOLERANCE_SECONDS = 30
const MAX_SUBJECT_LENGTH = 255

export type VerifierOptions = {
	jwksUrl: string
	issuer: string
	audience: string
	/** ms between two key-set fetches (jose's cooldownDuration). */
	cooldownMs?: number
	/** ms before a key-set fetch is abandoned. */
	timeoutMs?: number
}

export type VerifyResult =
	| { ok: true; userId: string }
	| { ok: false; reason: 'invalid' }
	| { ok: false; reason: 'unavailable' }

/** The key set could not be fetched (network, timeout, non-200, bad JSON). */
class KeySetUnavailable extends Error {
	override name = 'KeySetUnavailable'
}

export type TokenVerifier = {
	verify(token: string): Promise<VerifyResult>
	/** True when at least one signing key is cached or can be fetched now. */
	keysLoadable(): Promise<boolean>
}

export function createTokenVerifier(options: VerifierOptions): TokenVerifier {
	const remote = createRemoteJWKSet(new URL(options.jwksUrl), {
		cooldownDuration: options.cooldownMs ?? 30_000,
		timeoutDuration: options.timeoutMs ?? 5_000,
	})

	const getKey = async (header: JWTHeaderParameters, token: FlattenedJWSInput) => {
		try {
			return await remote(header, token)
		} catch (error) {
			if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) {
				throw error
			}
			// The fetch failed (a stale cache is refetched before use, an
			// unknown kid after the cooldown): a cached key may still match.
			const cached = remote.jwks()
			if (cached) {
				try {
					return await createLocalJWKSet(cached)(header, token)
				} catch {
					// no cached key matches: fall through
				}
			}
			throw new KeySetUnavailable('signing keys unavailable', { cause: error })
		}
	}

	return {
		async verify(token) {
			if (token.length > MAX_TOKEN_LENGTH) return { ok: false, reason: 'invalid' }
			try {
				const { payload } = await jwtVerify(token, getKey, {
					algorithms: ['EdDSA'],
					issuer: options.issuer,
					audience: options.audience,
					requiredClaims: ['sub', 'exp', 'iat'],
					clockTolerance: CLOCK_TOLERANCE_SECONDS,
					maxTokenAge: MAX_TOKEN_AGE_SECONDS,
				})
				const sub = payload.sub
				if (typeof sub !== 'string' || sub.length === 0 || sub.length > MAX_SUBJECT_LENGTH) {
					return { ok: false, reason: 'invalid' }
				}
				return { ok: true, userId: sub }
			} catch (error) {
				if (error instanceof KeySetUnavailable) return { ok: false, reason: 'unavailable' }
				return { ok: false, reason: 'invalid' }
			}
		},
		async keysLoadable() {
			try {
				if (!remote.fresh) await remote.reload()
			} catch {
				// unreachable right now: ready only if keys are still cached
			}
			return (remote.jwks()?.keys.length ?? 0) > 0
		},
	}
}
