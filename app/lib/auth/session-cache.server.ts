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

type Entry = { userId?: string | undefined; value: Promise<unknown> }

const newCache = () => new LRUCache<string, Entry>({ max: MAX_ENTRIES, ttl: SESSION_CACHE_MS, ttlResolution: 0 })
/** Session lookups, by Cookie header. */
const cache = newCache()
/** Per user: `${what}\u0000${userId}` → the lookup (cachedForUser). */
const perUser = newCache()

/**
 * The entry for `key` in `store` if it started less than SESSION_CACHE_MS
 * ago, else `start()`'s (stored before its lookup settles, so concurrent
 * requests share it); dropped when its lookup fails.
 */
function joinOrStart(store: LRUCache<string, Entry>, key: string, start: () => Entry): Entry {
	const hit = store.get(key)
	if (hit) return hit
	const entry = start()
	store.set(key, entry)
	entry.value.catch(() => {
		if (store.peek(key) === entry) store.delete(key)
	})
	return entry
}

/**
 * The cached lookup for `key` if it started less than SESSION_CACHE_MS ago,
 * else `lookup()` (stored before it runs, so concurrent requests share it).
 */
export function cachedSessionLookup<T>(key: string, lookup: () => Promise<T>, userIdOf: (value: T) => string | undefined): Promise<T> {
	return joinOrStart(cache, key, () => {
		const entry: Entry = { value: lookup() }
		entry.value.then(
			(value) => {
				entry.userId = userIdOf(value as T)
			},
			() => {},
		)
		return entry
	}).value as Promise<T>
}

/**
 * `lookup()` of `what` for `userId`, reused while it started less than
 * SESSION_CACHE_MS ago (concurrent requests share it); for pages only (GET,
 * HEAD): a state change reads afresh. A failed lookup is not kept.
 */
export function cachedForUser<T>(what: string, userId: string, lookup: () => Promise<T>): Promise<T> {
	return joinOrStart(perUser, `${what}\u0000${userId}`, () => ({ userId, value: lookup() })).value as Promise<T>
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
