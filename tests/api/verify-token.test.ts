/**
 * The verifier's key-set cache over real HTTP (a JWKS server on loopback,
 * real Ed25519 keys): a key the app has just published is accepted on first
 * sight, even right after a fetch; made-up kids cost at most one fetch per
 * interval, shared by everyone waiting; an unreachable set is "unavailable".
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, test } from 'vitest'
import { AUDIENCE, ISSUER, makeSigningKey, signToken, type SigningKey } from './test-support.ts'
import { createTokenVerifier, type VerifierOptions } from '#server/auth/verify-token.ts'

type KeyServer = {
	url: string
	keys: SigningKey[]
	hits: number
	mode: 'up' | 'error' | 'redirect'
	/** The answer is the key set as it was when the request came in, sent this much later. */
	delayMs: number
	close(): Promise<void>
}

const servers: Server[] = []
afterEach(async () => {
	for (const server of servers.splice(0)) {
		server.closeAllConnections()
		await new Promise<void>((resolve) => server.close(() => resolve()))
	}
})

async function listen(handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; url: string }> {
	const server = createServer(handler)
	servers.push(server)
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
	return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }
}

async function startKeyServer(keys: SigningKey[]): Promise<KeyServer> {
	const state: KeyServer = { url: '', keys, hits: 0, mode: 'up', delayMs: 0, close: async () => {} }
	const { server, url } = await listen((_req, res) => {
		state.hits += 1
		if (state.mode === 'error') {
			res.statusCode = 500
			return res.end('oops')
		}
		if (state.mode === 'redirect') {
			res.writeHead(302, { location: `${redirectTarget}/jwks` })
			return res.end()
		}
		const body = JSON.stringify({ keys: state.keys.map((key) => key.publicJwk) })
		setTimeout(() => {
			res.setHeader('content-type', 'application/json')
			res.end(body)
		}, state.delayMs)
	})
	state.url = `${url}/api/auth/jwks`
	state.close = async () => {
		server.closeAllConnections()
		await new Promise<void>((resolve) => server.close(() => resolve()))
	}
	return state
}
let redirectTarget = 'http://127.0.0.1:9'

function verifierFor(server: { url: string }, options: Partial<VerifierOptions> = {}) {
	return createTokenVerifier({ jwksUrl: server.url, issuer: ISSUER, audience: AUDIENCE, ...options })
}

/** A signing key, a key server publishing it, and a verifier of tokens against that server. */
async function publishedKey(name: string, options: Partial<VerifierOptions> = {}) {
	const key = await makeSigningKey(name)
	const jwks = await startKeyServer([key])
	return { key, jwks, verifier: verifierFor(jwks, options) }
}

const accepted = { ok: true, userId: 'user-1', issuedAt: expect.any(Number) }
const invalid = { ok: false, reason: 'invalid' }
const unavailable = { ok: false, reason: 'unavailable' }

describe('a newly published key', () => {
	test('is accepted on first sight right after a fetch (default settings)', async () => {
		const { key: oldKey, jwks, verifier } = await publishedKey('old')
		expect(await verifier.verify(await signToken(oldKey))).toEqual(accepted)
		expect(jwks.hits).toBe(1)

		// The app rotates: the new key is published and signs the next token.
		const newKey = await makeSigningKey('new')
		jwks.keys = [newKey, oldKey]
		expect(await verifier.verify(await signToken(newKey))).toEqual(accepted)
		expect(jwks.hits).toBe(2)
		// Cached from now on; the old key still verifies while it is published.
		expect(await verifier.verify(await signToken(newKey))).toEqual(accepted)
		expect(await verifier.verify(await signToken(oldKey))).toEqual(accepted)
		expect(jwks.hits).toBe(2)
	})

	test('concurrent tokens with unknown kids share one fetch', async () => {
		const { key: oldKey, jwks, verifier } = await publishedKey('old')
		expect(await verifier.verify(await signToken(oldKey))).toEqual(accepted)
		const [a, b] = [await makeSigningKey('new-a'), await makeSigningKey('new-b')]
		jwks.keys = [a, b, oldKey]
		const tokens = await Promise.all(Array.from({ length: 20 }, (_, i) => signToken(i % 2 ? a : b)))
		const results = await Promise.all(tokens.map((token) => verifier.verify(token)))
		expect(results).toEqual(tokens.map(() => accepted))
		expect(jwks.hits).toBe(2)
	})

	test('a token that arrives while an older fetch is in flight waits for a newer fetch', async () => {
		const { key: oldKey, jwks, verifier } = await publishedKey('old', { minFetchIntervalMs: 50 })
		expect(await verifier.verify(await signToken(oldKey))).toEqual(accepted)

		// A made-up kid starts a slow fetch; the set it will bring is the one
		// published when it started (without the new key).
		jwks.delayMs = 300
		const madeUp = verifier.verify(await signToken(await makeSigningKey('made-up')))
		while (jwks.hits < 2) await new Promise((resolve) => setTimeout(resolve, 5))
		const newKey = await makeSigningKey('new')
		jwks.keys = [newKey, oldKey]
		jwks.delayMs = 0
		const fresh = await verifier.verify(await signToken(newKey))
		expect(fresh).toEqual(accepted)
		expect(await madeUp).toEqual(invalid)
		expect(jwks.hits).toBe(3)
	})
})

describe('unknown kids', () => {
	test('a kid still unknown after a refetch is invalid', async () => {
		const { jwks, verifier } = await publishedKey('key', { minFetchIntervalMs: 0 })
		expect(await verifier.verify(await signToken(await makeSigningKey('nobody')))).toEqual(invalid)
		expect(jwks.hits).toBe(1)
		expect(await verifier.verify(await signToken(await makeSigningKey('nobody-else')))).toEqual(invalid)
		expect(jwks.hits).toBe(2)
	})

	test('a flood of 200 tokens with made-up kids causes at most 2 fetches', async () => {
		const { key, jwks, verifier } = await publishedKey('key')
		expect(await verifier.verify(await signToken(key))).toEqual(accepted)
		const before = jwks.hits
		const forged = await Promise.all(Array.from({ length: 200 }, async () => signToken(await makeSigningKey(crypto.randomUUID()))))
		const results = await Promise.all(forged.map((token) => verifier.verify(token)))
		expect(results).toEqual(forged.map(() => invalid))
		expect(jwks.hits - before).toBeLessThanOrEqual(2)
		// The real key was never in doubt.
		expect(await verifier.verify(await signToken(key))).toEqual(accepted)
	})
})

describe('fetch failures', () => {
	test('nothing cached and the set answers 500: unavailable; keysLoadable() false until it answers', async () => {
		const { key, jwks, verifier } = await publishedKey('key', { minFetchIntervalMs: 0 })
		jwks.mode = 'error'
		expect(await verifier.verify(await signToken(key))).toEqual(unavailable)
		expect(await verifier.keysLoadable()).toBe(false)
		jwks.mode = 'up'
		expect(await verifier.keysLoadable()).toBe(true)
		expect(await verifier.verify(await signToken(key))).toEqual(accepted)
	})

	test('set unreachable: cached keys keep verifying, an unknown kid is unavailable (not invalid)', async () => {
		const { key, jwks, verifier } = await publishedKey('key', { minFetchIntervalMs: 0 })
		expect(await verifier.verify(await signToken(key))).toEqual(accepted)
		await jwks.close()
		expect(await verifier.verify(await signToken(key))).toEqual(accepted)
		expect(await verifier.verify(await signToken(await makeSigningKey('rotated')))).toEqual(unavailable)
		expect(await verifier.keysLoadable()).toBe(true)
		// Broken tokens need no key: still invalid.
		expect(await verifier.verify('abc')).toEqual(invalid)
	})

	test('a redirect is not followed: keys come only from the configured URL', async () => {
		const key = await makeSigningKey('key')
		let targetHits = 0
		const target = await listen((_req, res) => {
			targetHits += 1
			res.setHeader('content-type', 'application/json')
			res.end(JSON.stringify({ keys: [key.publicJwk] }))
		})
		redirectTarget = target.url
		const jwks = await startKeyServer([key])
		jwks.mode = 'redirect'
		const verifier = verifierFor(jwks, { minFetchIntervalMs: 0 })
		expect(await verifier.verify(await signToken(key))).toEqual(unavailable)
		expect(targetHits).toBe(0)
	})
})

describe('cache age', () => {
	test('a stale set still serves its keys while a fresh one is fetched; a removed key then stops working', async () => {
		const { key: oldKey, jwks, verifier } = await publishedKey('old', { minFetchIntervalMs: 0, cacheMaxAgeMs: 100 })
		const stale = await signToken(oldKey)
		expect(await verifier.verify(stale)).toEqual(accepted)
		const newKey = await makeSigningKey('new')
		jwks.keys = [newKey]
		await new Promise((resolve) => setTimeout(resolve, 150))
		// Served from the stale set (no waiting); the refetch runs meanwhile.
		expect(await verifier.verify(stale)).toEqual(accepted)
		await verifier.keysLoadable() // joins that refetch
		expect(jwks.hits).toBeGreaterThanOrEqual(2)
		expect(await verifier.verify(stale)).toEqual(invalid)
		expect(await verifier.verify(await signToken(newKey))).toEqual(accepted)
	})
})

describe('access-token claims (tid, workspace)', () => {
	test('tid and workspace, strings of 1–255 characters, come out as tokenId and workspaceId', async () => {
		const { key, verifier } = await publishedKey('claims')
		const workspace = crypto.randomUUID()
		expect(await verifier.verify(await signToken(key, { tid: 'pat-1', scope: 'tasks:read', workspace }))).toEqual({
			...accepted,
			scope: 'tasks:read',
			tokenId: 'pat-1',
			workspaceId: workspace,
		})
		const longest = 'x'.repeat(255)
		expect(await verifier.verify(await signToken(key, { tid: longest, workspace: longest }))).toEqual({
			...accepted,
			tokenId: longest,
			workspaceId: longest,
		})
		// No workspace: the personal tasks only (decided by the limits, not here).
		expect(await verifier.verify(await signToken(key, { tid: 'pat-2' }))).toEqual({ ...accepted, tokenId: 'pat-2' })
	})

	test('a malformed tid, or a malformed workspace beside a tid, makes the token invalid: never taken for a session’s', async () => {
		const { key, verifier } = await publishedKey('malformed')
		for (const tid of ['', 'x'.repeat(256), 42, null, ['pat-1'], { id: 'pat-1' }, true]) {
			expect(await verifier.verify(await signToken(key, { tid })), JSON.stringify(tid)).toEqual(invalid)
		}
		for (const workspace of ['', 'x'.repeat(256), 42, null, [crypto.randomUUID()], {}]) {
			expect(await verifier.verify(await signToken(key, { tid: 'pat-1', workspace })), JSON.stringify(workspace)).toEqual(invalid)
		}
	})

	test('without tid, a token is what it was: a workspace claim is ignored, whatever it holds', async () => {
		const { key, verifier } = await publishedKey('plain')
		for (const workspace of [crypto.randomUUID(), '', 42, { id: 'x' }]) {
			expect(await verifier.verify(await signToken(key, { workspace })), JSON.stringify(workspace)).toEqual(accepted)
		}
	})
})
