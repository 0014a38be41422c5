/**
 * Rotating BETTER_AUTH_SECRET with versioned secrets (BETTER_AUTH_SECRETS)
 * keeps the stored signing keys usable: their private halves were encrypted
 * with the old secret, which stays on as the legacy (or an older versioned)
 * key. Dropping the old secret outright would break them.
 */
import { betterAuth } from 'better-auth'
import { drizzleAdapter } from 'better-auth/adapters/drizzle'
import { jwt } from 'better-auth/plugins/jwt'
import { decodeProtectedHeader } from 'jose'
import { expect, test } from 'vitest'
import { jwtPluginOptions, parseSecrets } from '#app/lib/auth/better-auth.server.ts'
import { database, db } from '#app/lib/db.server.ts'
import { schema } from '#app/lib/db/schema.ts'
import { onTestDatabaseTeardown } from '#tests/support/fresh-database.ts'

onTestDatabaseTeardown(() => database.close())

const OLD = 'old-secret-'.padEnd(40, 'o')
const NEW = 'new-secret-'.padEnd(40, 'n')
const NEWER = 'newer-secret-'.padEnd(40, 'w')

function authWith(options: { secret?: string; secrets?: Array<{ version: number; value: string }> }) {
	return betterAuth({
		baseURL: 'http://localhost:3000',
		database: drizzleAdapter(db, { provider: 'pg', schema }),
		advanced: { cookiePrefix: 'taskwell', database: { generateId: () => crypto.randomUUID() } },
		telemetry: { enabled: false },
		logger: { disabled: true },
		plugins: [jwt(jwtPluginOptions)],
		...options,
	})
}

async function kidOfTokenSignedBy(auth: ReturnType<typeof authWith>) {
	const { token } = await auth.api.signJWT({ body: { payload: { sub: 'user-1' } } })
	return decodeProtectedHeader(token).kid
}

test('stored signing keys keep working through two rotations of the secret', async () => {
	const before = await kidOfTokenSignedBy(authWith({ secret: OLD }))
	expect(before).toBeTruthy()

	// Step 1: BETTER_AUTH_SECRETS=1:<new>, BETTER_AUTH_SECRET=<old> (legacy).
	const rotated = authWith({ secret: OLD, secrets: parseSecrets(`1:${NEW}`) })
	expect(await kidOfTokenSignedBy(rotated)).toBe(before)

	// Step 2: 2:<newer>,1:<new> with the legacy secret still there.
	const again = authWith({ secret: OLD, secrets: parseSecrets(`2:${NEWER}, 1:${NEW}`) })
	expect(await kidOfTokenSignedBy(again)).toBe(before)

	// Without the old secret the stored key cannot be decrypted.
	const broken = authWith({ secrets: parseSecrets(`1:${NEW}`) })
	await expect(kidOfTokenSignedBy(broken)).rejects.toThrow(/decrypt/i)
})

test('BETTER_AUTH_SECRETS parses newest first', () => {
	expect(parseSecrets(` 2:${NEW} ,1:${OLD}`)).toEqual([
		{ version: 2, value: NEW },
		{ version: 1, value: OLD },
	])
	expect(parseSecrets(undefined)).toBeUndefined()
})

test('sessions survive the rotation: the server re-signs cookies signed with an older secret', async () => {
	const { cookieSecrets, resignAuthCookies } = await import('#app/lib/auth/cookie-rotation.server.ts')
	const before = authWith({ secret: OLD, emailAndPassword: { enabled: true } } as never)
	const { headers } = await before.api.signUpEmail({
		body: { name: 'Rota', email: `rota-${Date.now()}@example.com`, password: 'a long password here' },
		returnHeaders: true,
	})
	const cookie = headers
		.getSetCookie()
		.map((c) => c.split(';')[0])
		.join('; ')
	expect(await before.api.getSession({ headers: new Headers({ cookie }) })).not.toBeNull()

	const env = { BETTER_AUTH_SECRET: OLD, BETTER_AUTH_SECRETS: `1:${NEW}` }
	const after = authWith({ secret: OLD, secrets: parseSecrets(env.BETTER_AUTH_SECRETS) })
	// Better Auth alone no longer accepts the old cookie...
	expect(await after.api.getSession({ headers: new Headers({ cookie }) })).toBeNull()
	// ...re-signed by the server it does, for the same session.
	const secrets = cookieSecrets(env)!
	expect(secrets).toEqual({ current: NEW, previous: [OLD] })
	const resigned = resignAuthCookies(`theme=dark; ${cookie}`, secrets.current, secrets.previous)
	expect(resigned).toMatch(/^theme=dark; taskwell\.session_token=/)
	const session = await after.api.getSession({ headers: new Headers({ cookie: resigned! }) })
	expect(session?.user.name).toBe('Rota')
	// Already current, forged, or no rotation configured: left alone.
	expect(resignAuthCookies(resigned!, secrets.current, secrets.previous)).toBeNull()
	expect(resignAuthCookies('taskwell.session_token=abc.forgedsignature', NEW, [OLD])).toBeNull()
	expect(cookieSecrets({ BETTER_AUTH_SECRET: OLD, BETTER_AUTH_SECRETS: undefined })).toBeNull()
})
