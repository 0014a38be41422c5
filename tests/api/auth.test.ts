/**
 * Bearer-token verification over real HTTP: every forged or broken token is a
 * 401 that says nothing about why; an unreachable key set is a 503.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { exportSPKI, SignJWT, UnsecuredJWT, base64url } from 'jose'
import { describe, expect, test } from 'vitest'
import { AUDIENCE, call, ISSUER, makeSigningKey, signToken, startApi, startApiWithKey, startJwksServer } from './test-support.ts'

const { key, api } = await startApiWithKey()
const attacker = await makeSigningKey('attacker')

const now = () => Math.floor(Date.now() / 1000)

async function expectInvalidToken(token: string, on = api) {
	const response = await call(on, 'GET', '/v1/tasks', { token })
	expect(response.status).toBe(401)
	expect(response.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"')
	expect(response.headers.get('content-type')).toBe('application/problem+json')
	const body = (await response.json()) as Record<string, unknown>
	// One generic sentence, whatever went wrong.
	expect(body).toEqual({
		type: 'about:blank',
		title: 'Unauthorized',
		status: 401,
		detail: 'The bearer token is invalid or expired.',
	})
}

function tamperPayload(token: string, changes: Record<string, unknown>): string {
	const [header, payload, signature] = token.split('.') as [string, string, string]
	const claims = JSON.parse(new TextDecoder().decode(base64url.decode(payload))) as Record<string, unknown>
	return [header, base64url.encode(JSON.stringify({ ...claims, ...changes })), signature].join('.')
}

describe('accepted', () => {
	test('a token shaped like the app’s (EdDSA, kid, sub/iat/exp/iss/aud) passes', async () => {
		const response = await call(api, 'GET', '/v1/tasks', { token: await signToken(key) })
		expect(response.status).toBe(200)
		expect(await response.json()).toMatchObject({ items: [], nextCursor: null })
	})

	test('a small clock skew is tolerated (iat a few seconds ahead, exp just passed)', async () => {
		const token = await signToken(key, { iat: now() + 10, exp: now() - 10 })
		expect((await call(api, 'GET', '/v1/tasks', { token })).status).toBe(200)
	})
})

describe('no token', () => {
	test('no Authorization header: 401 with a bare Bearer challenge', async () => {
		const response = await call(api, 'GET', '/v1/tasks')
		expect(response.status).toBe(401)
		expect(response.headers.get('www-authenticate')).toBe('Bearer')
		expect(response.headers.get('content-type')).toBe('application/problem+json')
		expect(await response.json()).toMatchObject({ status: 401, title: 'Unauthorized' })
	})

	test('another scheme (Basic) counts as no bearer token', async () => {
		const response = await call(api, 'GET', '/v1/tasks', { headers: { authorization: 'Basic dXNlcjpwYXNz' } })
		expect(response.status).toBe(401)
		expect(response.headers.get('www-authenticate')).toBe('Bearer')
	})

	test('every /v1 route needs the token', async () => {
		const id = crypto.randomUUID()
		for (const [method, path] of [
			['GET', '/v1/tasks'],
			['POST', '/v1/tasks'],
			['DELETE', '/v1/tasks?status=completed'],
			['GET', `/v1/tasks/${id}`],
			['PATCH', `/v1/tasks/${id}`],
			['DELETE', `/v1/tasks/${id}`],
			['DELETE', '/v1/me/tasks'],
		] as const) {
			const response = await call(api, method, path, method === 'POST' || method === 'PATCH' ? { body: { title: 'x' } } : {})
			expect(response.status, `${method} ${path}`).toBe(401)
		}
	})
})

describe('rejected with 401 invalid_token', () => {
	test('alg none (unsecured JWT)', async () => {
		const token = new UnsecuredJWT({ sub: 'user-1', iss: ISSUER, aud: AUDIENCE }).setIssuedAt().setExpirationTime('5m').encode()
		await expectInvalidToken(token)
	})

	test('alg none with the kid of a real key', async () => {
		const header = base64url.encode(JSON.stringify({ alg: 'none', kid: key.kid, typ: 'JWT' }))
		const payload = base64url.encode(JSON.stringify({ sub: 'user-1', iat: now(), exp: now() + 300, iss: ISSUER, aud: AUDIENCE }))
		await expectInvalidToken(`${header}.${payload}.`)
	})

	test('HS256 signed with the public key (raw bytes and PEM) as the HMAC secret', async () => {
		const claims = { sub: 'user-1', iss: ISSUER, aud: AUDIENCE }
		const raw = base64url.decode(key.publicJwk.x!)
		const pem = new TextEncoder().encode(await exportSPKI(key.publicKey))
		const jwkJson = new TextEncoder().encode(JSON.stringify(key.publicJwk))
		for (const secret of [raw, pem, jwkJson]) {
			const token = await new SignJWT(claims)
				.setProtectedHeader({ alg: 'HS256', kid: key.kid })
				.setIssuedAt()
				.setExpirationTime('5m')
				.sign(secret)
			await expectInvalidToken(token)
		}
	})

	test('stripped signature', async () => {
		const [header, payload] = (await signToken(key)).split('.')
		await expectInvalidToken(`${header}.${payload}.`)
		await expectInvalidToken(`${header}.${payload}`)
	})

	test('tampered payload (another sub, with the original signature)', async () => {
		await expectInvalidToken(tamperPayload(await signToken(key, { sub: 'user-1' }), { sub: 'user-2' }))
	})

	test('signature of another token', async () => {
		const [header, payload] = (await signToken(key, { sub: 'user-2' })).split('.')
		const signature = (await signToken(key, { sub: 'user-1' })).split('.')[2]
		await expectInvalidToken(`${header}.${payload}.${signature}`)
	})

	test('expired (beyond the clock tolerance)', async () => {
		await expectInvalidToken(await signToken(key, { iat: now() - 120, exp: now() - 60 }))
	})

	test('not yet valid (nbf in the future)', async () => {
		await expectInvalidToken(await signToken(key, { nbf: now() + 120 }))
	})

	test('issued in the future (iat beyond the tolerance)', async () => {
		await expectInvalidToken(await signToken(key, { iat: now() + 120, exp: now() + 400 }))
	})

	test('too old (iat older than the app’s 5-minute lifetime), even with a far exp', async () => {
		await expectInvalidToken(await signToken(key, { iat: now() - 600, exp: now() + 3600 }))
	})

	test('wrong issuer', async () => {
		await expectInvalidToken(await signToken(key, { iss: 'https://evil.example' }))
	})

	test('wrong audience', async () => {
		await expectInvalidToken(await signToken(key, { aud: 'another-api' }))
	})

	test('missing sub, exp or iat', async () => {
		await expectInvalidToken(await signToken(key, {}, { omit: ['sub'] }))
		await expectInvalidToken(await signToken(key, {}, { omit: ['exp'] }))
		await expectInvalidToken(await signToken(key, {}, { omit: ['iat'] }))
		await expectInvalidToken(await signToken(key, {}, { omit: ['iss'] }))
		await expectInvalidToken(await signToken(key, {}, { omit: ['aud'] }))
	})

	test('empty or non-string sub', async () => {
		await expectInvalidToken(await signToken(key, { sub: '' }))
		await expectInvalidToken(await signToken(key, { sub: 42 as unknown as string }))
	})

	test('unknown kid: refetched once, still unknown, rejected', async () => {
		await expectInvalidToken(await signToken(attacker))
	})

	test('a key embedded in the header (jwk) is never used', async () => {
		// Signed by the attacker's key, which it carries along, with and without a kid.
		await expectInvalidToken(await signToken(attacker, {}, { header: { jwk: attacker.publicJwk } }))
		await expectInvalidToken(await signToken(attacker, {}, { header: { kid: key.kid, jwk: attacker.publicJwk } }))
		const { kid: _kid, ...withoutKid } = attacker.publicJwk
		const token = await new SignJWT({ sub: 'user-1', iss: ISSUER, aud: AUDIENCE })
			.setProtectedHeader({ alg: 'EdDSA', jwk: withoutKid })
			.setIssuedAt()
			.setExpirationTime('5m')
			.sign(attacker.privateKey)
		await expectInvalidToken(token)
	})

	test('a key set named in the header (jku, x5u) is never fetched', async () => {
		let attackerHits = 0
		const evil = createServer((_req, res) => {
			attackerHits += 1
			res.setHeader('content-type', 'application/json')
			res.end(JSON.stringify({ keys: [attacker.publicJwk] }))
		})
		await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve))
		const evilUrl = `http://127.0.0.1:${(evil.address() as AddressInfo).port}/jwks`
		try {
			await expectInvalidToken(await signToken(attacker, {}, { header: { jku: evilUrl } }))
			await expectInvalidToken(await signToken(attacker, {}, { header: { kid: key.kid, jku: evilUrl } }))
			await expectInvalidToken(await signToken(attacker, {}, { header: { x5u: evilUrl } }))
			expect(attackerHits).toBe(0)
		} finally {
			evil.closeAllConnections()
			await new Promise<void>((resolve) => evil.close(() => resolve()))
		}
	})

	test('an x5c chain in the header is never used', async () => {
		await expectInvalidToken(await signToken(attacker, {}, { header: { x5c: ['MIIBfake'] } }))
	})

	test('oversized (> 8 KiB), even when correctly signed', async () => {
		const token = await signToken(key, { padding: 'x'.repeat(9000) })
		expect(token.length).toBeGreaterThan(8 * 1024)
		await expectInvalidToken(token)
	})

	test('malformed tokens', async () => {
		for (const token of ['abc', 'a.b.c', 'eyJ.eyJ.x', '...', `${'a'.repeat(50)}.${'b'.repeat(50)}.${'c'.repeat(50)}`]) {
			await expectInvalidToken(token)
		}
		// "Bearer" with nothing, or with two tokens.
		for (const authorization of ['Bearer', 'Bearer ', `Bearer ${await signToken(key)} extra`]) {
			const response = await call(api, 'GET', '/v1/tasks', { headers: { authorization } })
			expect(response.status).toBe(401)
			expect(response.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"')
		}
	})

	test('crit header with an unknown extension (correctly signed)', async () => {
		const encode = (value: unknown) => base64url.encode(JSON.stringify(value))
		const input = `${encode({ alg: 'EdDSA', kid: key.kid, crit: ['exp-ext'], 'exp-ext': true })}.${encode({
			sub: 'user-1',
			iat: now(),
			exp: now() + 300,
			iss: ISSUER,
			aud: AUDIENCE,
		})}`
		const signature = await crypto.subtle.sign('Ed25519', key.privateKey, new TextEncoder().encode(input))
		await expectInvalidToken(`${input}.${base64url.encode(new Uint8Array(signature))}`)
	})

	test('the token never reaches the logs', async () => {
		const token = await signToken(key, { sub: 'log-user' })
		await call(api, 'GET', '/v1/tasks', { token })
		await call(api, 'GET', '/v1/tasks', { token: `${token}x` })
		const text = JSON.stringify(api.logs)
		expect(text).not.toContain(token.split('.')[2])
		expect(text).not.toContain(token.split('.')[1])
		expect(text.toLowerCase()).not.toContain('bearer')
	})
})

describe('key set availability and rotation', () => {
	test('unknown kids arriving together share one refetch', async () => {
		// Its own API whose next fetch may start only 4 s after the last one
		// (a fetch has just happened, for a first unknown kid): the two tokens
		// below arrive inside that window however loaded the machine is, so
		// both wait for the one scheduled fetch.
		const served = await startJwksServer([key])
		const slow = await startApi({ jwksUrl: served.url, minFetchIntervalMs: 4_000, sharing: api })
		try {
			const tokens = [await signToken(await makeSigningKey('key-x')), await signToken(await makeSigningKey('key-y'))]
			expect((await call(slow, 'GET', '/v1/tasks', { token: await signToken(key) })).status).toBe(200)
			const before = served.hits
			await Promise.all(tokens.map((token) => expectInvalidToken(token, slow)))
			expect(served.hits - before).toBe(1)
		} finally {
			await slow.close()
			await served.close()
		}
	})

	test('a new signing key on the app side is accepted by the running API without restart', async () => {
		const served = await startJwksServer([key])
		const rotating = await startApi({ jwksUrl: served.url, sharing: api })
		try {
			expect((await call(rotating, 'GET', '/v1/tasks', { token: await signToken(key) })).status).toBe(200)
			const newKey = await makeSigningKey('key-2')
			// Right after the first fetch: no waiting for a cooldown.
			served.keys = [newKey, key]
			const hitsBefore = served.hits
			const response = await call(rotating, 'GET', '/v1/tasks', { token: await signToken(newKey) })
			expect(response.status).toBe(200)
			expect(served.hits).toBe(hitsBefore + 1)
			// Old tokens keep working while the old key is still published.
			expect((await call(rotating, 'GET', '/v1/tasks', { token: await signToken(key) })).status).toBe(200)
			// And the new key is cached: no further fetch.
			expect((await call(rotating, 'GET', '/v1/tasks', { token: await signToken(newKey) })).status).toBe(200)
			expect(served.hits).toBe(hitsBefore + 1)
		} finally {
			await rotating.close()
			await served.close()
		}
	})

	test('key set unreachable and nothing cached: 503 with Retry-After, not 401; /readyz 503', async () => {
		const gone = await startJwksServer([key])
		const url = gone.url
		await gone.close()
		const orphan = await startApi({ jwksUrl: url, sharing: api })
		try {
			const response = await call(orphan, 'GET', '/v1/tasks', { token: await signToken(key) })
			expect(response.status).toBe(503)
			expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0)
			expect(response.headers.get('content-type')).toBe('application/problem+json')
			expect(await response.json()).toMatchObject({ status: 503 })
			const ready = await fetch(`${orphan.url}/readyz`)
			expect(ready.status).toBe(503)
			expect(await ready.json()).toMatchObject({ checks: { database: 'ok', signingKeys: 'failing' } })
			// Tokens that are broken before any key is needed are still 401.
			expect((await call(orphan, 'GET', '/v1/tasks', { token: 'abc' })).status).toBe(401)
			// Healthz does not depend on the keys.
			expect((await fetch(`${orphan.url}/healthz`)).status).toBe(200)
		} finally {
			await orphan.close()
		}
	})

	test('key set answering 500: 503; cached keys keep working; unknown kid while it fails: 503', async () => {
		const flaky = await startJwksServer([key])
		const flakyApi = await startApi({ jwksUrl: flaky.url, minFetchIntervalMs: 0, sharing: api })
		try {
			flaky.mode = 'error'
			const first = await call(flakyApi, 'GET', '/v1/tasks', { token: await signToken(key) })
			expect(first.status).toBe(503)
			flaky.mode = 'up'
			expect((await call(flakyApi, 'GET', '/v1/tasks', { token: await signToken(key) })).status).toBe(200)
			flaky.mode = 'error'
			// A cached key still verifies while the set cannot be fetched.
			expect((await call(flakyApi, 'GET', '/v1/tasks', { token: await signToken(key) })).status).toBe(200)
			const unknown = await call(flakyApi, 'GET', '/v1/tasks', { token: await signToken(await makeSigningKey('key-z')) })
			expect(unknown.status).toBe(503)
			expect(unknown.headers.get('retry-after')).toBeTruthy()
			// Ready while some keys are cached.
			expect((await fetch(`${flakyApi.url}/readyz`)).status).toBe(200)
		} finally {
			await flakyApi.close()
			await flaky.close()
		}
	})

	test('/readyz: 200 when the database answers and the keys load', async () => {
		const response = await fetch(`${api.url}/readyz`)
		expect(response.status).toBe(200)
		expect(await response.json()).toEqual({ status: 'ready', checks: { database: 'ok', signingKeys: 'ok' } })
	})
})
