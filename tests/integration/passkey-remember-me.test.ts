/**
 * "Remember me" for a passkey sign-in: the real WebAuthn ceremony through
 * the app's resource route (routes/api.auth.$.ts) and Better Auth's passkey
 * plugin, signed by a software authenticator (a P-256 key made here, its
 * public key stored as a registered passkey). Unticked: a browser-session
 * cookie, Better Auth's dont_remember cookie and a one-day session, as a
 * password sign-in without Remember me; ticked: the 7-day cookie. While the
 * account is suspended (issue 22), refused with no session. The browser
 * flow is in tests/e2e/passkeys.js-only.spec.ts.
 */
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { describe, expect, test } from 'vitest'
import { SESSION_EXPIRES_IN_SECONDS } from '#app/lib/auth/better-auth.server.ts'
import { database, db } from '#app/lib/db.server.ts'
import { passkey, session, user } from '#app/lib/db/schema.ts'
import { NOT_REMEMBERED_SESSION_SECONDS } from '#app/lib/auth/passkey-remember-me.server.ts'
import { SUSPENDED_MESSAGE } from '#app/lib/auth/suspended.ts'
import * as apiAuthRoute from '#app/routes/api.auth.$.ts'
import * as loginRoute from '#app/routes/auth/login.tsx'
import * as settingsRoute from '#app/routes/settings/index.tsx'
import { freshIp, PASSWORD, signUp } from '#tests/support/accounts.ts'
import { onTestDatabaseTeardown } from '#tests/support/fresh-database.ts'
import { APP_ORIGIN, cookieHeaderFrom, formPost, get, runRoute } from '#tests/support/routes.ts'

onTestDatabaseTeardown(() => database.close())

const RP_ID = new URL(APP_ORIGIN).hostname

/** A passkey of `userId`: the private key stays here, the public key is stored as Better Auth stores one (COSE, base64). */
async function softwarePasskey(userId: string) {
	const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
	const { x, y } = publicKey.export({ format: 'jwk' })
	// COSE_Key {1: 2 (EC2), 3: -7 (ES256), -1: 1 (P-256), -2: x, -3: y}, CBOR-encoded.
	const cose = Buffer.concat([
		Buffer.from([0xa5, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01, 0x21, 0x58, 0x20]),
		Buffer.from(x!, 'base64url'),
		Buffer.from([0x22, 0x58, 0x20]),
		Buffer.from(y!, 'base64url'),
	])
	const credentialId = randomBytes(16).toString('base64url')
	await db.insert(passkey).values({
		id: crypto.randomUUID(),
		name: 'Software key',
		publicKey: cose.toString('base64'),
		userId,
		credentialID: credentialId,
		counter: 0,
		deviceType: 'singleDevice',
		backedUp: false,
		transports: 'internal',
		createdAt: new Date(),
	})
	return { credentialId, privateKey, signCount: 0 }
}

type Key = Awaited<ReturnType<typeof softwarePasskey>>

/** What navigator.credentials.get() answers for `challenge` (an assertion signed by the key). */
function assertion(key: Key & { privateKey: KeyObject }, challenge: string) {
	const clientDataJSON = Buffer.from(JSON.stringify({ type: 'webauthn.get', challenge, origin: APP_ORIGIN, crossOrigin: false }))
	const signCount = Buffer.alloc(4)
	signCount.writeUInt32BE(++key.signCount)
	// rpIdHash, flags (user present + verified), signCount.
	const authenticatorData = Buffer.concat([createHash('sha256').update(RP_ID).digest(), Buffer.from([0x05]), signCount])
	const signature = sign('sha256', Buffer.concat([authenticatorData, createHash('sha256').update(clientDataJSON).digest()]), key.privateKey)
	return {
		id: key.credentialId,
		rawId: key.credentialId,
		type: 'public-key',
		response: {
			clientDataJSON: clientDataJSON.toString('base64url'),
			authenticatorData: authenticatorData.toString('base64url'),
			signature: signature.toString('base64url'),
		},
		clientExtensionResults: {},
	}
}

async function newAccountWithPasskey() {
	const { email, userId } = await signUp({ name: 'Key Holder', ip: freshIp() })
	return { email, userId, key: await softwarePasskey(userId) }
}

/**
 * The browser's passkey sign-in through the app: the options (and the
 * challenge cookie), then the signed assertion with ?rememberMe as the
 * login page sends it. `browserCookies`: cookies the browser already had.
 */
async function signInWithPasskey(key: Key, query: string, browserCookies = '') {
	const response = await passkeyCeremony(key, query, browserCookies)
	expect(response.status).toBe(200)
	expect(await response.clone().json()).toEqual({ status: true })
	return response
}

/** The ceremony of signInWithPasskey, its answer unchecked. */
async function passkeyCeremony(key: Key, query: string, browserCookies = '') {
	const options = await runRoute(apiAuthRoute.loader as never, get('/api/auth/passkey/generate-authenticate-options'))
	expect(options.response.status).toBe(200)
	const { challenge } = (await options.response.json()) as { challenge: string }
	const cookie = [cookieHeaderFrom(options.response), browserCookies].filter(Boolean).join('; ')
	const verify = await runRoute(
		apiAuthRoute.action as never,
		new Request(`${APP_ORIGIN}/api/auth/passkey/verify-authentication${query}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', origin: APP_ORIGIN, cookie },
			body: JSON.stringify({ response: assertion(key, challenge) }),
		}),
	)
	return verify.response
}

const setCookie = (response: Response, name: string) =>
	response.headers.getSetCookie().filter((line) => line.startsWith(`taskwell.${name}=`))

async function sessionLifetimeSeconds(response: Response) {
	const token = decodeURIComponent(/taskwell\.session_token=([^;]+)/.exec(response.headers.getSetCookie().join('\n'))![1]!).split('.')[0]!
	const [row] = await db.select().from(session).where(eq(session.token, token))
	return (row!.expiresAt.getTime() - Date.now()) / 1000
}

describe('Passkey sign-in and "Remember me"', () => {
	test('unticked: a browser-session cookie, dont_remember and a one-day session, as a password sign-in without it', async () => {
		const { email, key } = await newAccountWithPasskey()
		for (const query of ['?rememberMe=false', '']) {
			const response = await signInWithPasskey(key, query)
			const [sessionCookie, ...more] = setCookie(response, 'session_token')
			expect(more).toEqual([])
			expect(sessionCookie).not.toMatch(/Max-Age|Expires/i)
			expect(setCookie(response, 'dont_remember')).toEqual([
				expect.stringMatching(/^taskwell\.dont_remember=true\.[^;]+; Path=\/; HttpOnly; SameSite=Lax$/),
			])
			const lifetime = await sessionLifetimeSeconds(response)
			expect(lifetime).toBeGreaterThan(NOT_REMEMBERED_SESSION_SECONDS - 60)
			expect(lifetime).toBeLessThanOrEqual(NOT_REMEMBERED_SESSION_SECONDS)
			// A working session, which Better Auth does not extend (its dont_remember cookie).
			const settings = await runRoute(settingsRoute.loader as never, get('/settings', { cookie: cookieHeaderFrom(response) }))
			expect(settings.response.status).toBe(200)
			expect(settings.data.user.email).toBe(email)
		}

		// The same Set-Cookie lines as a password sign-in without Remember me.
		const password = await runRoute(loginRoute.action as never, formPost('/login', { email, password: PASSWORD }), { ip: '192.0.2.200' })
		expect(password.response.status).toBe(302)
		const attributes = (line: string) => line.split('; ').slice(1)
		const viaPasskey = await signInWithPasskey(key, '?rememberMe=false')
		for (const name of ['session_token', 'dont_remember']) {
			expect(setCookie(viaPasskey, name).map(attributes)).toEqual(setCookie(password.response, name).map(attributes))
		}
	})

	test('ticked: the 7-day cookie and session; a dont_remember cookie left from before is expired', async () => {
		const { key } = await newAccountWithPasskey()
		const response = await signInWithPasskey(key, '?rememberMe=true')
		expect(setCookie(response, 'session_token')).toEqual([expect.stringContaining(`; Max-Age=${SESSION_EXPIRES_IN_SECONDS}; `)])
		expect(setCookie(response, 'dont_remember')).toEqual([])
		expect(await sessionLifetimeSeconds(response)).toBeGreaterThan(SESSION_EXPIRES_IN_SECONDS - 60)

		// The browser still has the dont_remember cookie of an earlier session
		// that was not remembered (and ended without a sign-out).
		const earlier = await signInWithPasskey(key, '')
		const leftOver = setCookie(earlier, 'dont_remember')[0]!.split(';')[0]!
		const remembered = await signInWithPasskey(key, '?rememberMe=true', leftOver)
		expect(setCookie(remembered, 'session_token')).toEqual([expect.stringContaining(`; Max-Age=${SESSION_EXPIRES_IN_SECONDS}; `)])
		expect(setCookie(remembered, 'dont_remember')).toEqual([
			expect.stringMatching(/^taskwell\.dont_remember=; Max-Age=0; Path=\/; HttpOnly; SameSite=Lax$/),
		])
		expect(await sessionLifetimeSeconds(remembered)).toBeGreaterThan(SESSION_EXPIRES_IN_SECONDS - 60)
	})
})

describe('Passkey sign-in while the account is suspended', () => {
	test('refused with 403 and Better Auth’s BANNED_USER code (the page’s message), no cookie, no session; once lifted, signs in', async () => {
		const { userId, key } = await newAccountWithPasskey()
		await db.delete(session).where(eq(session.userId, userId))
		// Suspended (as the admin action stores it: tests/integration/admin.test.ts).
		await db.update(user).set({ banned: true, banReason: 'Spam' }).where(eq(user.id, userId))
		for (const query of ['?rememberMe=true', '?rememberMe=false']) {
			const refused = await passkeyCeremony(key, query)
			expect(refused.status).toBe(403)
			expect(await refused.json()).toMatchObject({ code: 'BANNED_USER', message: SUSPENDED_MESSAGE })
			// No cookie at all: no session token, no dont_remember.
			expect(refused.headers.getSetCookie()).toEqual([])
			expect(await db.select().from(session).where(eq(session.userId, userId))).toEqual([])
		}

		await db.update(user).set({ banned: false, banReason: null }).where(eq(user.id, userId))
		const signedIn = await signInWithPasskey(key, '?rememberMe=true')
		expect(setCookie(signedIn, 'session_token')).toHaveLength(1)
		expect(await db.select().from(session).where(eq(session.userId, userId))).toHaveLength(1)
	})
})
