/**
 * The per-user side of the session cache (cachedForUser: the header's
 * workspace switcher on every signed-in page): shared while young, dropped
 * with the user's sessions, never kept when it failed.
 */
import { expect, test } from 'vitest'
import { cachedForUser, forgetAllCachedSessions, forgetCachedSessionsOf } from './session-cache.server.ts'

function counted<T>(value: T) {
	const calls = { count: 0 }
	return { calls, lookup: async () => (calls.count++, value) }
}

test('one lookup per user while it is young; each user has their own', async () => {
	const ada = counted(['Garden Club'])
	const bea = counted(['Book Club'])
	expect(await Promise.all([cachedForUser('workspaces', 'ada', ada.lookup), cachedForUser('workspaces', 'ada', ada.lookup)])).toEqual([
		['Garden Club'],
		['Garden Club'],
	])
	expect(await cachedForUser('workspaces', 'bea', bea.lookup)).toEqual(['Book Club'])
	expect(await cachedForUser('workspaces', 'ada', ada.lookup)).toEqual(['Garden Club'])
	expect([ada.calls.count, bea.calls.count]).toEqual([1, 1])
	forgetAllCachedSessions()
})

test('a state change of the user drops theirs, and only theirs', async () => {
	const ada = counted(['Garden Club'])
	const bea = counted(['Book Club'])
	await cachedForUser('workspaces', 'ada', ada.lookup)
	await cachedForUser('workspaces', 'bea', bea.lookup)
	forgetCachedSessionsOf('ada')
	await cachedForUser('workspaces', 'ada', ada.lookup)
	await cachedForUser('workspaces', 'bea', bea.lookup)
	expect([ada.calls.count, bea.calls.count]).toEqual([2, 1])
	forgetAllCachedSessions()
	await cachedForUser('workspaces', 'bea', bea.lookup)
	expect(bea.calls.count).toBe(2)
	forgetAllCachedSessions()
})

test('a failed lookup is not kept: the next page asks again', async () => {
	let calls = 0
	const failing = async () => {
		calls++
		throw new Error('database down')
	}
	await expect(cachedForUser('workspaces', 'ada', failing)).rejects.toThrow('database down')
	await expect(cachedForUser('workspaces', 'ada', async () => (calls++, ['Garden Club']))).resolves.toEqual(['Garden Club'])
	expect(calls).toBe(2)
	forgetAllCachedSessions()
})

test('an entry lives SESSION_CACHE_MS from the start of its lookup, then the next page asks again', async () => {
	const { SESSION_CACHE_MS } = await import('./session-cache.server.ts')
	const ada = counted(['Garden Club'])
	await cachedForUser('workspaces', 'ada', ada.lookup)
	await new Promise((resolve) => setTimeout(resolve, SESSION_CACHE_MS + 50))
	await cachedForUser('workspaces', 'ada', ada.lookup)
	expect(ada.calls.count).toBe(2)
	forgetAllCachedSessions()
})
