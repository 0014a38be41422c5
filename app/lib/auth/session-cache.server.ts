/**
 * A very short in-process cache of session lookups: a warm signed-in page
 * costs no database round trip in the app (issue 8), and revocation stays
 * correct across instances.
 *
 * - Keyed by the request's exact Cookie header: the same bytes Better Auth
 *   verified (cookie signature, session row, expiry) give the same answer,
 *   so a hit skips the signature check and the query and nothing else.
 * - An entry is reused only while younger than SESSION_CACHE_MS, counted
 *   from the moment its lookup *started* (in-flight lookups are joined under
 *   the same rule). So a request arriving 1 s or more after a session was
 *   revoked — on any instance — uses a lookup that started after the
 *   revocation, and is refused: no cross-instance message is needed.
 * - On this instance, revocations take effect at once: Better Auth's
 *   session-delete and user-update/delete hooks (auth.server.ts) and every
 *   state-changing request (sessionMiddleware) drop the affected entries.
 * - Only GET and HEAD requests read the cache; a POST always asks Better
 *   Auth (session.server.ts).
 * - Failed lookups (database down) are never kept.
 *
 * What a signed-in page reads about its user besides the session (the
 * header's workspace switcher) is cached the same way, per user id
 * (cachedForUser): the same 500 ms from the start of its lookup, the same
 * drops (forgetCachedSessionsOf drops that user's, forgetAllCachedSessions
 * all), in a cache of its own, so a Cookie header can never name one.
 */
import { LRUCache } from 'lru-cache'

/** How long a lookup is reused, from its start. Keep it well under 1 s (the revocation bound, see above). */
export const SESSION_CACHE_MS = 500
const MAX_ENTRIES = 5_000

type Entry = { userId?: string; value: Promise<unknown> }

const cache = new LRUCache<string, Entry>({ max: MAX_ENTRIES, ttl: SESSION_CACHE_MS, ttlResolution: 0 })

/**
 * The cached lookup for `key` if it started less than SESSION_CACHE_MS ago,
 * else `lookup()` (stored before it runs, so concurrent requests share it).
 */
export function cachedSessionLookup<T>(key: string, lookup: () => Promise<T>, userIdOf: (value: T) => string | undefined): Promise<T> {
	const hit = cache.get(key)
	if (hit) return hit.value as Promise<T>
	const entry: Entry = { value: lookup() }
	cache.set(key, entry)
	entry.value.then(
		(value) => {
			entry.userId = userIdOf(value as T)
		},
		() => {
			if (cache.peek(key) === entry) cache.delete(key)
		},
	)
	return entry.value as Promise<T>
}

/** Per user: `${what}\u0000${userId}` → the lookup (cachedForUser). */
const perUser = new LRUCache<string, { userId: string; value: Promise<unknown> }>({
	max: MAX_ENTRIES,
	ttl: SESSION_CACHE_MS,
	ttlResolution: 0,
})

/**
 * `lookup()` of `what` for `userId`, reused while it started less than
 * SESSION_CACHE_MS ago (concurrent requests share it); for pages only (GET,
 * HEAD): a state change reads afresh. A failed lookup is not kept.
 */
export function cachedForUser<T>(what: string, userId: string, lookup: () => Promise<T>): Promise<T> {
	const key = `${what}\u0000${userId}`
	const hit = perUser.get(key)
	if (hit) return hit.value as Promise<T>
	const entry = { userId, value: lookup() }
	perUser.set(key, entry)
	entry.value.catch(() => {
		if (perUser.peek(key) === entry) perUser.delete(key)
	})
	return entry.value
}

/** Drops the entries of a user (and any lookup still in flight, whose user is not known yet). */
export function forgetCachedSessionsOf(userId: string): void {
	for (const [key, entry] of [...cache.entries()]) {
		if (entry.userId === undefined || entry.userId === userId) cache.delete(key)
	}
	for (const [key, entry] of [...perUser.entries()]) {
		if (entry.userId === userId) perUser.delete(key)
	}
}

/** Drops every entry (a state change whose user is not known, e.g. a password reset by link). */
export function forgetAllCachedSessions(): void {
	cache.clear()
	perUser.clear()
}
