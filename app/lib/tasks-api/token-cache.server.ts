/**
 * Task API tokens per session (the BFF client's token cache). The client
 * obtains a JWT through auth.api (never over HTTP, never sent to the
 * browser).
 *
 * - Tokens are cached in memory per session id (lru-cache: bounded, LRU, a
 *   ttl from the token's `exp` read with jose's decodeJwt) and reused while
 *   more than TOKEN_MIN_REMAINING_MS of their life is left; concurrent
 *   loaders share one mint (the cache's fetchMethod). Sign-out drops the entry.
 * - Minting reads the database (Better Auth reads the session again, then
 *   the signing keys, and may create one). When that fails, the request is
 *   answered like a failed session read (auth/session.server.ts:
 *   sessionStoreUnavailable): 503 "Taskwell is having trouble" with
 *   Retry-After, never a 500 and never a sign-out. Only Better Auth ends a
 *   session: when minting finds no session (it expired or was ended
 *   elsewhere), the user is redirected to /login?redirectTo=….
 */
import { APIError } from 'better-auth/api'
import { decodeJwt } from 'jose'
import { LRUCache } from 'lru-cache'
import { redirect } from 'react-router'
import type { ContextReader } from '#app/context.server.ts'
import { auth } from '#app/lib/auth/better-auth.server.ts'
import { authHeaders, sessionStoreUnavailable } from '#app/lib/auth/session.server.ts'
import { loginRedirectUrl } from '#app/lib/http/redirect.ts'
import { TasksApiUnavailableError } from './errors.server.ts'

/** Reuse a cached token only while at least this much of its life is left. */
export const TOKEN_MIN_REMAINING_MS = 60_000
/** At most this many sessions' tokens are kept (least recently used go). */
export const TOKEN_CACHE_MAX_ENTRIES = 10_000

type MintContext = { request: Request; context: ContextReader }

/**
 * Tokens per session id (lru-cache: bounded, least recently used go first),
 * each kept until TOKEN_MIN_REMAINING_MS before it expires. fetch() merges
 * concurrent requests for one session into a single mint.
 */
const tokenCache = new LRUCache<string, string, MintContext>({
	max: TOKEN_CACHE_MAX_ENTRIES,
	fetchMethod: async (sessionId, _stale, { options, context: { request, context } }) => {
		tasksApiStats.mints += 1
		const token = await getTokenOrSignIn(request, context)
		// An unreadable token, or one about to expire: used by this request only.
		options.ttl = Math.max(1, expiryOf(token) - Date.now() - TOKEN_MIN_REMAINING_MS)
		return token
	},
})

/** Counters for tests and the benchmark (never exposed over HTTP). */
export const tasksApiStats = { mints: 0, requests: 0 }

/** Drop a session's cached token (on sign-out, or when the API rejects it). */
export function forgetTokensForSession(sessionId: string): void {
	tokenCache.delete(sessionId)
}

/** For tests. */
export function clearTokenCache(): void {
	tokenCache.clear()
}

/** The token's `exp` in ms (0 when it has none or cannot be read). */
function expiryOf(token: string): number {
	try {
		const { exp } = decodeJwt(token)
		return typeof exp === 'number' ? exp * 1000 : 0
	} catch {
		return 0
	}
}

/** Minting failed on the database (or the signing key could not be used): tokenFor answers 503. */
class MintFailedError extends Error {
	constructor(cause: unknown) {
		super('minting a task API token failed', { cause })
		this.name = 'MintFailedError'
	}
}

/**
 * A token from Better Auth, or a redirect to sign in when it has no session
 * (it expired or was ended elsewhere; the failed fetch leaves nothing in the
 * cache). getToken answers 401 for a session read that failed on the
 * database too (Better Auth turns that error into "no session"), so a 401
 * is checked with a lookup that throws on a database error: only a session
 * that is really gone signs the user out. Any other failure is a
 * MintFailedError.
 */
async function getTokenOrSignIn(request: Request, context: ContextReader): Promise<string> {
	const headers = authHeaders(request, context)
	try {
		return (await auth.api.getToken({ headers })).token
	} catch (error) {
		if (!(error instanceof APIError && error.statusCode === 401)) throw new MintFailedError(error)
	}
	const current = await auth.api.getSession({ headers, query: { disableRefresh: true } }).catch((error: unknown) => {
		throw new MintFailedError(error)
	})
	if (!current) throw redirect(loginRedirectUrl(request))
	throw new MintFailedError(new Error('minting found no session, the lookup after it did'))
}

/** A cached token with enough life left, else a fresh one (one mint per session at a time). */
export async function tokenFor(request: Request, context: ContextReader, sessionId: string, fresh = false): Promise<string> {
	let token: string | undefined
	try {
		token = await tokenCache.fetch(sessionId, { context: { request, context }, forceRefresh: fresh })
	} catch (error) {
		// A mint is shared by the requests waiting for it: each gets its own 503.
		if (error instanceof MintFailedError) sessionStoreUnavailable(request, context, error.cause)
		throw error
	}
	if (token === undefined) throw new TasksApiUnavailableError('server-error')
	return token
}

/**
 * A token minted for one call alone (never cached): the claims the cached
 * token has (iss, aud and exp from the jwt plugin's options; `iat` given
 * here, which signJWT leaves out otherwise) plus the call's own — the
 * invitation's email, an acting admin (`act`), a `scope`. Failing to sign
 * is the API being unavailable to this request, as for any call.
 */
export async function tokenForOneCall(claims: { sub: string } & Record<string, unknown>): Promise<string> {
	try {
		const { token } = await auth.api.signJWT({ body: { payload: { ...claims, iat: Math.floor(Date.now() / 1000) } } })
		return token
	} catch {
		throw new TasksApiUnavailableError('server-error')
	}
}
