/**
 * Bearer-token verification: the only thing the task API trusts.
 * - EdDSA only, keys only from the app's JWKS (AUTH_JWKS_URL): keys carried in
 *   the token's own header (jwk, jku, x5u, x5c) are never looked at.
 * - issuer, audience, sub/exp/iat required, ≤ 30 s clock tolerance, and a
 *   maximum age equal to the app's token lifetime (5 minutes).
 * - The key set is cached here (not in jose's remote set, whose cooldown
 *   refuses a new `kid` for 30 s after any fetch — that signed users out at
 *   every key rotation). A token whose `kid` is not in the cached set waits
 *   for a fetch that *started after the token arrived*: it joins the one
 *   already scheduled, or schedules one, no sooner than `minFetchIntervalMs`
 *   (AUTH_JWKS_COOLDOWN_MS) after the previous fetch started. So a key the
 *   app has just published is accepted on first sight by every instance,
 *   after at most that interval plus one fetch, and a flood of made-up kids
 *   costs at most one fetch per interval (all waiters share it). A kid still
 *   unknown after such a fetch is invalid (401).
 * - A set older than CACHE_MAX_AGE_MS is still used for keys it holds while a
 *   fresh copy is fetched in the background (a removed key stops working
 *   with the next successful fetch).
 * - When the set cannot be fetched and no cached key matches, the caller
 *   learns "unavailable" (503), not "invalid" (401).
 * - A token that passed every check is remembered (by its exact string)
 *   until it expires, so the app's next calls with it cost no signature
 *   check (the app reuses one token for minutes). Every key set applied
 *   forgets them all: a removed key still stops working with the next
 *   successful fetch.
 * - Besides `sub`, the caller learns what the handlers and the log need:
 *   `iat` (the suspension check, server/auth/account-blocks.ts), `email`
 *   (accepting an invitation), `scope` (an RFC 8693 space-separated string:
 *   `account:status` may change the account's status) and the actor of an
 *   RFC 8693 `act` claim (an admin acting as the user: its `sub`), which the
 *   request log records beside the user.
 * - An access-token JWT (issue 26: the app exchanged a personal access token
 *   or a CLI credential for it) also carries `tid`, the access token's id,
 *   and may carry `workspace`, the one workspace it reaches: the caller
 *   learns both (server/auth/access-token-limits.ts narrows what it may do,
 *   account-blocks.ts refuses it once revoked). Both narrow a token, so a
 *   malformed one is never ignored: a `tid` that is not a string of 1–255
 *   characters makes the token invalid, and so does such a `workspace`
 *   beside a `tid` (without one, `workspace` means nothing and is ignored, so
 *   every other token behaves as before).
 */
import { LRUCache } from 'lru-cache'
import { createLocalJWKSet, errors, jwtVerify, type FlattenedJWSInput, type JSONWebKeySet, type JWTHeaderParameters } from 'jose'
import { ACCESS_TOKEN_ID_MAX_LENGTH } from '#common/access-tokens-contract.ts'

/** Tokens longer than this are refused before any parsing. */
export const MAX_TOKEN_LENGTH = 8 * 1024
/** The app mints tokens valid for 5 minutes. */
const MAX_TOKEN_AGE_SECONDS = 5 * 60
const CLOCK_TOLERANCE_SECONDS = 30
/** Default minimum time between the starts of two key-set fetches. */
const DEFAULT_MIN_FETCH_INTERVAL_MS = 1_000
/** A cached set older than this is refetched (in the background). */
const CACHE_MAX_AGE_MS = 10 * 60_000
const MAX_SUBJECT_LENGTH = 255
/** Longest `tid` and `workspace` claims (common/access-tokens-contract.ts). */
const MAX_ACCESS_TOKEN_CLAIM_LENGTH = ACCESS_TOKEN_ID_MAX_LENGTH
/** At most this many verified tokens are remembered (least recently used go). */
const VERIFIED_TOKENS_MAX = 10_000

export type VerifierOptions = {
	jwksUrl: string
	issuer: string
	audience: string
	/** Minimum ms between the starts of two key-set fetches (AUTH_JWKS_COOLDOWN_MS). */
	minFetchIntervalMs?: number
	/** ms before a key-set fetch is abandoned. */
	timeoutMs?: number
	/** Age after which the cached set is refetched (default CACHE_MAX_AGE_MS). */
	cacheMaxAgeMs?: number
}

/**
 * What a verified token says about its caller.
 * - `issuedAt`: its `iat`, in seconds.
 * - `email`: its `email` claim, only when it is a string (the token that accepts an invitation).
 * - `actorId`: `act.sub` when `act` is an object whose `sub` is a string of 1–255 characters
 *   (an admin acting as the user, RFC 8693); anything else in `act` is ignored.
 * - `scope`: its `scope` claim, only when it is a string.
 * - `tokenId`: its `tid` claim (an access-token JWT), a string of 1–255 characters.
 * - `workspaceId`: its `workspace` claim, a string of 1–255 characters, only beside a `tokenId`.
 */
export type VerifiedClaims = {
	userId: string
	issuedAt: number
	email?: string
	actorId?: string
	scope?: string
	tokenId?: string
	workspaceId?: string
}

export type VerifyResult = ({ ok: true } & VerifiedClaims) | { ok: false; reason: 'invalid' } | { ok: false; reason: 'unavailable' }

/** The key set could not be fetched (network, timeout, non-200, bad JSON). */
class KeySetUnavailable extends Error {
	override name = 'KeySetUnavailable'
}

export type TokenVerifier = {
	verify(token: string): Promise<VerifyResult>
	/** True when at least one signing key is cached or can be fetched now. */
	keysLoadable(): Promise<boolean>
}

type KeySet = { keys: JSONWebKeySet; select: ReturnType<typeof createLocalJWKSet>; fetchedAt: number }
/** A fetch's outcome: the set it brought, or null when it failed. */
type Fetch = { number: number; done: Promise<KeySet | null> }

export function createTokenVerifier(options: VerifierOptions): TokenVerifier {
	const url = new URL(options.jwksUrl).href
	const minInterval = options.minFetchIntervalMs ?? DEFAULT_MIN_FETCH_INTERVAL_MS
	const timeoutMs = options.timeoutMs ?? 5_000
	const maxAge = options.cacheMaxAgeMs ?? CACHE_MAX_AGE_MS
	const isStale = (set: KeySet) => Date.now() - set.fetchedAt > maxAge

	let cached: KeySet | null = null
	/** Tokens that passed every check: what they say, and until when (ms) they may be taken as verified. */
	const verified = new LRUCache<string, { claims: VerifiedClaims; until: number }>({ max: VERIFIED_TOKENS_MAX })
	/** Number of the newest fetch whose set was applied (older results are dropped). */
	let applied = 0
	let started = 0
	let lastStartedAt = Number.NEGATIVE_INFINITY
	/** The newest fetch that has started. */
	let running: Fetch | null = null
	/** The next fetch, waiting for the minimum interval to pass. */
	let scheduled: Promise<KeySet | null> | null = null

	async function download(): Promise<KeySet | null> {
		try {
			const response = await fetch(url, {
				headers: { accept: 'application/json, application/jwk-set+json' },
				// A redirect would lead elsewhere: keys come from this URL only.
				redirect: 'manual',
				signal: AbortSignal.timeout(timeoutMs),
			})
			if (response.status !== 200) {
				await response.body?.cancel()
				return null
			}
			const keys = (await response.json()) as JSONWebKeySet
			// Throws on anything that is not a key set.
			return { keys, select: createLocalJWKSet(keys), fetchedAt: Date.now() }
		} catch {
			return null
		}
	}

	function start(): Fetch {
		started += 1
		lastStartedAt = Date.now()
		const number = started
		const done = download().then((set) => {
			if (set && number > applied) {
				applied = number
				cached = set
				verified.clear()
			}
			return set
		})
		running = { number, done }
		void done.finally(() => {
			if (running?.number === number) running = null
		})
		return running
	}

	/**
	 * A fetch that starts after fetch number `after` started: the running one
	 * if it is newer, else the scheduled one, else a new one (at once, or as
	 * soon as the minimum interval since the last start has passed).
	 */
	function fetchAfter(after: number): Promise<KeySet | null> {
		if (running && running.number > after) return running.done
		if (scheduled) return scheduled
		const wait = lastStartedAt + minInterval - Date.now()
		if (wait <= 0) return start().done
		scheduled = new Promise<void>((resolve) => setTimeout(resolve, wait).unref()).then(() => {
			scheduled = null
			return start().done
		})
		return scheduled
	}

	function refreshIfStale() {
		// Joins a running fetch if there is one.
		if (cached && isStale(cached)) void fetchAfter(started - 1)
	}

	const getKey = (seen: number) => async (header: JWTHeaderParameters, token: FlattenedJWSInput) => {
		refreshIfStale()
		if (cached) {
			try {
				return await cached.select(header, token)
			} catch (error) {
				if (!(error instanceof errors.JWKSNoMatchingKey)) throw error
			}
		}
		// Unknown kid (or nothing cached yet): wait for a fetch that started
		// after this token arrived, then look again.
		const fresh = await fetchAfter(seen)
		if (fresh) return fresh.select(header, token)
		// The fetch failed: a key cached meanwhile by another fetch may match.
		if (cached) {
			try {
				return await cached.select(header, token)
			} catch {
				// no cached key matches: fall through
			}
		}
		throw new KeySetUnavailable('signing keys unavailable')
	}

	return {
		async verify(token) {
			if (token.length > MAX_TOKEN_LENGTH) return { ok: false, reason: 'invalid' }
			const known = verified.get(token)
			if (known && Date.now() < known.until) return { ok: true, ...known.claims }
			try {
				const { payload } = await jwtVerify(token, getKey(started), {
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
				const claims: VerifiedClaims = { userId: sub, issuedAt: payload.iat! }
				if (typeof payload.email === 'string') claims.email = payload.email
				const actorId = actorOf(payload.act)
				if (actorId !== undefined) claims.actorId = actorId
				if (typeof payload.scope === 'string') claims.scope = payload.scope
				if (payload.tid !== undefined) {
					// An access-token JWT: its limits must apply, so a malformed one is refused, never taken for a session's.
					if (!isClaimId(payload.tid)) return { ok: false, reason: 'invalid' }
					claims.tokenId = payload.tid
					if (payload.workspace !== undefined) {
						if (!isClaimId(payload.workspace)) return { ok: false, reason: 'invalid' }
						claims.workspaceId = payload.workspace
					}
				}
				// Until it expires or reaches the maximum age, whichever is first (no clock tolerance).
				const until = Math.min(payload.exp!, payload.iat! + MAX_TOKEN_AGE_SECONDS) * 1000
				verified.set(token, { claims, until })
				return { ok: true, ...claims }
			} catch (error) {
				if (error instanceof KeySetUnavailable) return { ok: false, reason: 'unavailable' }
				return { ok: false, reason: 'invalid' }
			}
		},
		async keysLoadable() {
			if (!cached || isStale(cached)) {
				// Unreachable right now: ready only if keys are still cached.
				await fetchAfter(started - 1)
			}
			return (cached?.keys.keys.length ?? 0) > 0
		},
	}
}

/** The acting party's id in an RFC 8693 `act` claim (`{ sub }`), when it is a usable one. */
function actorOf(act: unknown): string | undefined {
	if (typeof act !== 'object' || act === null || Array.isArray(act)) return undefined
	const sub = (act as { sub?: unknown }).sub
	return typeof sub === 'string' && sub.length > 0 && sub.length <= MAX_SUBJECT_LENGTH ? sub : undefined
}

/** A `tid` or `workspace` claim the API can use: a string of 1–255 characters. */
function isClaimId(value: unknown): value is string {
	return typeof value === 'string' && value.length > 0 && value.length <= MAX_ACCESS_TOKEN_CLAIM_LENGTH
}

/** True when a `scope` claim (space-separated, RFC 8693) grants `wanted`. */
export function hasScope(scope: string | undefined, wanted: string): boolean {
	return scope !== undefined && scope.split(' ').includes(wanted)
}
