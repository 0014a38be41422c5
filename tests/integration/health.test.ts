/**
 * The app's health endpoints through the real route loaders, the real
 * Better Auth and a fresh database: /healthz always answers; /readyz is 200
 * only while the database answers and a signing key can be loaded (created
 * on first use), and 503 — not an exception, not a hang — otherwise.
 */
import { describe, expect, test } from 'vitest'
import { signUp } from '#tests/support/accounts.ts'
import { onTestDatabaseTeardown } from '#tests/support/fresh-database.ts'

const { get, runRoute } = await import('#tests/support/routes.ts')
const { database, db } = await import('#app/lib/db.server.ts')
const { jwks } = await import('#app/lib/db/schema.ts')
const healthzRoute = await import('#app/routes/healthz.ts')
const readyzRoute = await import('#app/routes/readyz.ts')
const tasksRoute = await import('#app/routes/tasks/index.tsx')

let closed = false
onTestDatabaseTeardown(async () => {
	if (!closed) await database.close()
})

describe('GET /healthz', () => {
	test('200, no-store, whatever the dependencies', async () => {
		const { response, data } = await runRoute(healthzRoute.loader, get('/healthz'))
		expect(response.status).toBe(200)
		expect(response.headers.get('cache-control')).toBe('no-store')
		expect(data ?? (await response.json())).toEqual({ status: 'ok' })
	})
})

describe('GET /readyz', () => {
	test('ready: the database answers and a signing key is created on first use', async () => {
		await db.delete(jwks)
		const { response } = await runRoute(readyzRoute.loader, get('/readyz'))
		expect(response.status).toBe(200)
		expect(response.headers.get('cache-control')).toBe('no-store')
		expect(await response.json()).toEqual({ status: 'ready', checks: { database: 'ok', signingKey: 'ok' } })
		expect(await db.select().from(jwks)).toHaveLength(1)
		// Asking again reuses it.
		expect((await runRoute(readyzRoute.loader, get('/readyz'))).response.status).toBe(200)
		expect(await db.select().from(jwks)).toHaveLength(1)
	})

	test('a signing key that cannot be decrypted (secret changed without BETTER_AUTH_SECRETS): 503', async () => {
		const [key] = await db.select().from(jwks)
		await db.insert(jwks).values({
			...key!,
			id: 'undecryptable',
			privateKey: JSON.stringify('not-encrypted-with-this-secret'),
			createdAt: new Date(Date.now() + 60_000),
		})
		try {
			const { response } = await runRoute(readyzRoute.loader, get('/readyz'))
			expect(response.status).toBe(503)
			expect(response.headers.get('cache-control')).toBe('no-store')
			expect(response.headers.get('retry-after')).toBe('5')
			expect(await response.json()).toEqual({ status: 'not ready', checks: { database: 'ok', signingKey: 'failing' } })
		} finally {
			const { eq } = await import('drizzle-orm')
			await db.delete(jwks).where(eq(jwks.id, 'undecryptable'))
		}
		expect((await runRoute(readyzRoute.loader, get('/readyz'))).response.status).toBe(200)
	})

	test('the database gone: 503 naming it; /healthz still 200; a signed-in page is 503, not 500', async () => {
		const { cookie } = await signUp()
		await database.close()
		closed = true
		const { response } = await runRoute(readyzRoute.loader, get('/readyz'))
		expect(response.status).toBe(503)
		expect(await response.json()).toMatchObject({ status: 'not ready', checks: { database: 'failing' } })
		expect((await runRoute(healthzRoute.loader, get('/healthz'))).response.status).toBe(200)
		// The session cannot be looked up: a temporary fault, not a crash
		// and not a sign-out (no Set-Cookie).
		const { response: page } = await runRoute(tasksRoute.loader, get('/tasks', { cookie }))
		expect(page.status).toBe(503)
		expect(page.headers.get('retry-after')).toBe('5')
		expect(page.headers.get('set-cookie')).toBeNull()
		expect(await page.text()).toContain('temporarily unavailable')
	})
})
