/**
 * Issue 26, API access without a browser, through the real token endpoints
 * (app/routes/api/tokens/), the real Better Auth api-key and
 * device-authorization plugins, a real database and the real task API
 * verifying the app's own JWTs:
 * - a personal access token is stored as a hash only, exchanged for a
 *   5-minute JWT (sub, scope, tid, aud) that the task API takes, with its
 *   scope enforced (403 on writes for a read-only token);
 * - revoking the token, suspending or deleting the account, or its expiry
 *   fails the next exchange with 401 and ends the JWTs already minted within
 *   1 s (revocation, suspension, deletion) or at the token's end (expiry);
 * - exchanges are throttled per token and per IP: 429 with Retry-After,
 *   never a 401;
 * - the command line's device sign-in: pending, allowed, denied, expired;
 *   an allowed code becomes a tw_cli_ credential (never a session), which
 *   exchanges like a token and revokes itself (taskwell logout).
 * Why: these are the only ways a secret that outlives a browser session
 * reaches the task API, so each is proven end to end.
 */
import { eq } from 'drizzle-orm'
import { decodeJwt } from 'jose'
import { describe, expect, test } from 'vitest'
import { RouterContextProvider } from 'react-router'
import { call } from '#tests/api/test-support.ts'
import { freshIp, signUp } from '#tests/support/accounts.ts'
import { CookieJar } from '#tests/support/cookie-jar.ts'
import { startTasksApiForApp } from '#tests/support/tasks-api.ts'

const api = await startTasksApiForApp()
const app = await import('#tests/support/app.ts')
const { APP_ORIGIN, db, formPost, runRoute } = app
const { apikey, authEvent, session, user } = app.tables
const exchangeRoute = await import('#app/routes/api/tokens/exchange.ts')
const deviceCodeRoute = await import('#app/routes/api/tokens/device-code.ts')
const deviceRoute = await import('#app/routes/api/tokens/device.ts')
const revokeRoute = await import('#app/routes/api/tokens/revoke.ts')
const configRoute = await import('#app/routes/api/tokens/config.ts')
const tokens = await import('#app/lib/access-tokens/tokens.server.ts')
const device = await import('#app/lib/access-tokens/device.server.ts')
const { clientIpContext } = await import('#app/context.server.ts')
const { THROTTLE_RULES } = await import('#app/lib/throttle-rules.server.ts')
const { recordHit } = await import('#app/lib/throttle.server.ts')
const { credentialSubject } = await import('#app/lib/access-tokens/endpoint.server.ts')
const { ACCESS_TOKEN_READ_ONLY_DETAIL, ACCESS_TOKEN_REVOKED_DETAIL } = await import('#common/access-tokens-contract.ts')

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function person() {
	const jar = new CookieJar()
	const { userId } = await signUp({ jar, ip: freshIp() })
	return { jar, userId }
}

function contextFor(ip = freshIp()) {
	const context = new RouterContextProvider()
	context.set(clientIpContext, ip)
	return context
}

async function newToken(userId: string, options: Partial<Parameters<typeof tokens.createAccessToken>[3]> = {}) {
	return tokens.createAccessToken(formPost('/settings', {}), contextFor(), userId, {
		name: 'CI script',
		expiresInDays: 30,
		access: 'read',
		workspace: null,
		...options,
	})
}

/** POST /api/tokens/exchange with `secret` as the bearer credential, as a program sends it (no Origin, no cookie). */
async function exchange(secret: string, ip = '203.0.113.50') {
	const request = new Request(`${APP_ORIGIN}/api/tokens/exchange`, { method: 'POST', headers: { authorization: `Bearer ${secret}` } })
	const { response } = await runRoute(exchangeRoute.action as never, request, { ip })
	return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> }
}

async function jwtFor(secret: string): Promise<string> {
	const answer = await exchange(secret)
	expect(answer.status).toBe(200)
	return answer.body.access_token as string
}

const listTasks = (jwt: string) => call(api, 'GET', '/v1/tasks', { token: jwt })

/** Every request sent 1 s or more after `since` must be refused with `detail`. */
async function refusedWithinOneSecond(jwt: string, since: number, detail?: string) {
	for (;;) {
		const sentAfter = performance.now() - since
		const response = await listTasks(jwt)
		if (response.status === 401) {
			if (detail) expect(await response.json()).toMatchObject({ status: 401, detail })
			return
		}
		expect(response.status).toBe(200)
		expect(sentAfter, 'a request sent 1 s after the change was let through').toBeLessThan(1_000)
		await sleep(20)
	}
}

describe('personal access tokens', () => {
	test('only a hash is stored; the exchange gives a 5-minute JWT the task API takes, read-only tokens cannot write', async () => {
		const { userId } = await person()
		const { secret, token } = await newToken(userId)
		expect(secret).toMatch(/^tw_pat_[A-Za-z]{60}$/)
		expect(token).toMatchObject({ name: 'CI script', kind: 'token', access: 'read', lastUsedAt: null })
		const [row] = await db.select().from(apikey).where(eq(apikey.id, token.id))
		expect(JSON.stringify(row)).not.toContain(secret)
		expect(JSON.stringify(row)).not.toContain(secret.slice(7))
		expect(row!.key).toMatch(/^[A-Za-z0-9_-]{43}$/)

		const answer = await exchange(secret)
		expect(answer.status).toBe(200)
		expect(answer.headers.get('cache-control')).toBe('no-store')
		expect(answer.body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: expect.any(Number) })
		expect(answer.body.expires_in).toBeGreaterThan(290)
		expect(answer.body.expires_in).toBeLessThanOrEqual(300)
		const claims = decodeJwt(answer.body.access_token as string)
		expect(claims).toMatchObject({ sub: userId, scope: 'tasks:read', tid: token.id, aud: 'taskwell-tasks-api' })
		expect(claims.exp! - claims.iat!).toBe(300)
		expect(claims.workspace).toBeUndefined()

		const jwt = answer.body.access_token as string
		expect((await listTasks(jwt)).status).toBe(200)
		// The secret itself is nothing to the task API: only the app takes it.
		expect((await listTasks(secret)).status).toBe(401)
		const write = await call(api, 'POST', '/v1/tasks', { token: jwt, body: { title: 'Not allowed' } })
		expect(write.status).toBe(403)
		expect(write.headers.get('content-type')).toContain('application/problem+json')
		expect(await write.json()).toMatchObject({ status: 403, detail: ACCESS_TOKEN_READ_ONLY_DETAIL })

		// Used: the list says when; the first use from an address is an event.
		const [listed] = (await tokens.listAccessTokens(userId)).tokens
		expect(listed!.lastUsedAt).not.toBeNull()
		const events = await db.select().from(authEvent).where(eq(authEvent.userId, userId))
		expect(events.map((event) => event.type)).toEqual(expect.arrayContaining(['access-token-created', 'access-token-new-ip']))
		// The same address again is no new event.
		await exchange(secret)
		const again = await db.select().from(authEvent).where(eq(authEvent.userId, userId))
		expect(again.filter((event) => event.type === 'access-token-new-ip')).toHaveLength(1)
	})

	test('a token made for a workspace carries it: the task API lets it reach that workspace only', async () => {
		const { userId } = await person()
		const workspace = { id: crypto.randomUUID(), name: 'Team' }
		const { secret, token } = await newToken(userId, { workspace })
		expect(token.workspaceName).toBe('Team')
		const jwt = await jwtFor(secret)
		expect(decodeJwt(jwt)).toMatchObject({ workspace: workspace.id, tid: token.id })
		// Its own workspace's tasks are for the API's membership check to decide; the personal list is refused.
		expect((await listTasks(jwt)).status).toBe(403)
	})

	test('a read-and-write token creates and completes tasks', async () => {
		const { userId } = await person()
		const { secret } = await newToken(userId, { access: 'read-write', expiresInDays: null })
		const jwt = await jwtFor(secret)
		expect(decodeJwt(jwt).scope).toBe('tasks:read tasks:write')
		const created = await call(api, 'POST', '/v1/tasks', { token: jwt, body: { title: 'From a script' } })
		expect(created.status).toBe(201)
		const task = (await created.json()) as { id: string }
		const done = await call(api, 'PATCH', `/v1/tasks/${task.id}`, { token: jwt, body: { completed: true } })
		expect(done.status).toBe(200)
		expect(await done.json()).toMatchObject({ completed: true, title: 'From a script' })
	})

	test('revoking fails the next exchange with 401 and ends minted JWTs within 1 s; other tokens go on', async () => {
		const { userId } = await person()
		const first = await newToken(userId)
		const second = await newToken(userId, { name: 'Other script' })
		const jwt = await jwtFor(first.secret)
		const otherJwt = await jwtFor(second.secret)
		expect((await listTasks(jwt)).status).toBe(200)

		expect(await tokens.revokeAccessToken(formPost('/settings', {}), contextFor(), userId, first.token.id)).toBe('token-revoked')
		const since = performance.now()
		const refused = await exchange(first.secret)
		expect(refused.status).toBe(401)
		expect(refused.headers.get('www-authenticate')).toContain('invalid_token')
		await refusedWithinOneSecond(jwt, since, ACCESS_TOKEN_REVOKED_DETAIL)
		expect((await listTasks(otherJwt)).status).toBe(200)
		// Someone else's id is not found (and changes nothing).
		const stranger = await person()
		expect(await tokens.revokeAccessToken(formPost('/settings', {}), contextFor(), stranger.userId, second.token.id)).toBe('not-found')
		expect((await exchange(second.secret)).status).toBe(200)
	})

	test('an expired token is refused; a JWT never outlives its token', async () => {
		const { userId } = await person()
		const { secret, token } = await newToken(userId, { expiresInDays: 7 })
		await db
			.update(apikey)
			.set({ expiresAt: new Date(Date.now() + 120_000) })
			.where(eq(apikey.id, token.id))
		const answer = await exchange(secret)
		expect(answer.status).toBe(200)
		expect(answer.body.expires_in).toBeLessThanOrEqual(120)
		expect(decodeJwt(answer.body.access_token as string).exp! * 1000).toBeLessThanOrEqual(Date.now() + 120_000)
		await db
			.update(apikey)
			.set({ expiresAt: new Date(Date.now() - 1_000) })
			.where(eq(apikey.id, token.id))
		expect((await exchange(secret)).status).toBe(401)
	})

	test('a suspended account cannot exchange, and its minted JWTs end; a deleted account takes its tokens with it', async () => {
		const suspended = await person()
		const { secret } = await newToken(suspended.userId)
		await jwtFor(secret)
		await db.update(user).set({ banned: true, banReason: 'test' }).where(eq(user.id, suspended.userId))
		expect((await exchange(secret)).status).toBe(401)

		const leaving = await person()
		const leavingToken = await newToken(leaving.userId)
		const jwt = await jwtFor(leavingToken.secret)
		await tokens.revokeAllAccessTokensOf(leaving.userId)
		const since = performance.now()
		expect(await db.select().from(apikey).where(eq(apikey.referenceId, leaving.userId))).toHaveLength(0)
		expect((await exchange(leavingToken.secret)).status).toBe(401)
		await refusedWithinOneSecond(jwt, since, ACCESS_TOKEN_REVOKED_DETAIL)
	})

	test('malformed or unknown credentials get 401; the limits answer 429 with Retry-After, never 401', async () => {
		expect((await exchange('tw_pat_short')).status).toBe(401)
		expect((await exchange(`tw_pat_${'a'.repeat(60)}`)).status).toBe(401)
		const { userId } = await person()
		const { secret } = await newToken(userId)
		// Per token: the limit's worth of exchanges, then 429.
		for (let index = 1; index < THROTTLE_RULES.tokenExchangePerToken.limit; index += 1) {
			await recordHit(THROTTLE_RULES.tokenExchangePerToken, credentialSubject(secret))
		}
		expect((await exchange(secret, '203.0.113.61')).status).toBe(200)
		const limited = await exchange(secret, '203.0.113.62')
		expect(limited.status).toBe(429)
		expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0)
		expect(limited.body).toMatchObject({ error: 'rate_limited' })
		// Per IP: even an unknown credential gets 429 there, not 401.
		const ip = '203.0.113.63'
		for (let index = 0; index < THROTTLE_RULES.tokenExchangePerIp.limit; index += 1) await recordHit(THROTTLE_RULES.tokenExchangePerIp, ip)
		const fromIp = await exchange(`tw_pat_${'b'.repeat(60)}`, ip)
		expect(fromIp.status).toBe(429)
		expect(fromIp.headers.get('retry-after')).toBeTruthy()
	})
})

describe('device sign-in (the command line)', () => {
	async function post(route: { action: unknown }, path: string, body: Record<string, string>, ip = '203.0.113.80') {
		const request = new Request(`${APP_ORIGIN}${path}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(body),
		})
		const { response } = await runRoute(route.action as never, request, { ip })
		return { status: response.status, body: (await response.json()) as Record<string, string> }
	}
	const startCode = (scope = 'tasks:read tasks:write') =>
		post(deviceCodeRoute, '/api/tokens/device-code', { client_id: 'taskwell-cli', scope })
	const poll = (deviceCode: string) => post(deviceRoute, '/api/tokens/device', { device_code: deviceCode, client_id: 'taskwell-cli' })
	/** The poll interval is 5 s: a test that polls twice moves the last poll back. */
	const allowPollNow = (deviceCode: string) =>
		db.update(app.tables.deviceCode).set({ lastPolledAt: null }).where(eq(app.tables.deviceCode.deviceCode, deviceCode))

	async function decide(who: { jar: CookieJar; userId: string }, userCode: string, decision: 'allow' | 'deny') {
		const request = formPost('/device', {}, { cookie: who.jar.header })
		return device.decideDeviceRequest(request, contextFor(), who.userId, userCode, decision)
	}

	test('the discovery document names every endpoint and the task API', async () => {
		const { response } = await runRoute(configRoute.loader as never, new Request(`${APP_ORIGIN}/api/tokens/config`))
		expect(await response.json()).toEqual({
			client_id: 'taskwell-cli',
			device_authorization_endpoint: `${APP_ORIGIN}/api/tokens/device-code`,
			device_token_endpoint: `${APP_ORIGIN}/api/tokens/device`,
			exchange_endpoint: `${APP_ORIGIN}/api/tokens/exchange`,
			revocation_endpoint: `${APP_ORIGIN}/api/tokens/revoke`,
			task_api_url: api.url,
		})
	})

	test('pending, then allowed: a tw_cli_ credential (no session left behind) that exchanges, and revokes itself', async () => {
		const who = await person()
		const sessionsBefore = await db.select().from(session).where(eq(session.userId, who.userId))
		const started = await startCode()
		expect(started.status).toBe(200)
		expect(started.body).toMatchObject({ verification_uri: `${APP_ORIGIN}/device`, interval: 5, expires_in: 600 })
		expect(started.body.verification_uri_complete).toBe(`${APP_ORIGIN}/device?user_code=${started.body.user_code}`)
		expect((await poll(started.body.device_code!)).body).toMatchObject({ error: 'authorization_pending' })
		expect(await device.findDeviceRequest(started.body.user_code!)).toMatchObject({
			state: 'pending',
			clientName: 'Taskwell command line',
			access: 'read-write',
		})

		expect(await decide(who, started.body.user_code!, 'allow')).toBe('done')
		expect(await device.findDeviceRequest(started.body.user_code!)).toEqual({ state: 'used' })
		await allowPollNow(started.body.device_code!)
		const redeemed = await poll(started.body.device_code!)
		expect(redeemed.status).toBe(200)
		expect(redeemed.body).toMatchObject({ token_type: 'refresh', scope: 'tasks:read tasks:write' })
		const credential = redeemed.body.refresh_token!
		expect(credential).toMatch(/^tw_cli_[A-Za-z]{60}$/)
		// The plugin's session is gone: the command line holds only the credential.
		expect(await db.select().from(session).where(eq(session.userId, who.userId))).toHaveLength(sessionsBefore.length)
		// A code is redeemed once.
		await allowPollNow(started.body.device_code!)
		expect((await poll(started.body.device_code!)).status).toBe(400)

		const { commandLines } = await tokens.listAccessTokens(who.userId)
		expect(commandLines).toEqual([expect.objectContaining({ name: 'Taskwell command line', kind: 'cli', access: 'read-write' })])
		const jwt = await jwtFor(credential)
		expect(decodeJwt(jwt)).toMatchObject({ sub: who.userId, scope: 'tasks:read tasks:write', tid: commandLines[0]!.id })
		expect((await call(api, 'POST', '/v1/tasks', { token: jwt, body: { title: 'From the command line' } })).status).toBe(201)

		// taskwell logout
		const request = new Request(`${APP_ORIGIN}/api/tokens/revoke`, { method: 'POST', headers: { authorization: `Bearer ${credential}` } })
		const since = performance.now()
		expect((await runRoute(revokeRoute.action as never, request)).response.status).toBe(200)
		expect((await exchange(credential)).status).toBe(401)
		await refusedWithinOneSecond(jwt, since, ACCESS_TOKEN_REVOKED_DETAIL)
		expect((await tokens.listAccessTokens(who.userId)).commandLines).toEqual([])
		const types = (await db.select().from(authEvent).where(eq(authEvent.userId, who.userId))).map((event) => event.type)
		expect(types).toEqual(expect.arrayContaining(['device-sign-in-allowed', 'command-line-signed-out']))
	})

	test('a read-only request gets a read-only credential', async () => {
		const who = await person()
		const started = await startCode('tasks:read')
		expect(await decide(who, started.body.user_code!, 'allow')).toBe('done')
		const redeemed = await poll(started.body.device_code!)
		expect(redeemed.body.scope).toBe('tasks:read')
		const jwt = await jwtFor(redeemed.body.refresh_token!)
		expect((await call(api, 'POST', '/v1/tasks', { token: jwt, body: { title: 'No' } })).status).toBe(403)
	})

	test('denied: access_denied, and nothing is made', async () => {
		const who = await person()
		const started = await startCode()
		expect(await decide(who, started.body.user_code!, 'deny')).toBe('done')
		expect(await poll(started.body.device_code!)).toMatchObject({ status: 400, body: { error: 'access_denied' } })
		expect(await tokens.listAccessTokens(who.userId)).toEqual({ tokens: [], commandLines: [] })
		const types = (await db.select().from(authEvent).where(eq(authEvent.userId, who.userId))).map((event) => event.type)
		expect(types).toContain('device-sign-in-denied')
	})

	test('an expired code: expired_token for the command line, "invalid" for the page; unknown clients and scopes are refused', async () => {
		const who = await person()
		const started = await startCode()
		await db
			.update(app.tables.deviceCode)
			.set({ expiresAt: new Date(Date.now() - 1_000) })
			.where(eq(app.tables.deviceCode.deviceCode, started.body.device_code!))
		expect(await device.findDeviceRequest(started.body.user_code!)).toEqual({ state: 'invalid' })
		expect(await decide(who, started.body.user_code!, 'allow')).toBe('invalid')
		expect(await poll(started.body.device_code!)).toMatchObject({ status: 400, body: { error: 'expired_token' } })

		expect(await post(deviceCodeRoute, '/api/tokens/device-code', { client_id: 'someone-else' })).toMatchObject({
			status: 400,
			body: { error: 'invalid_client' },
		})
		expect(await startCode('tasks:read admin')).toMatchObject({ status: 400, body: { error: 'invalid_scope' } })
		expect(await poll('no-such-code')).toMatchObject({ status: 400, body: { error: 'invalid_grant' } })
	})
})
