/**
 * A two-factor setup waits for its first code across reloads: /settings
 * shows the same secret and QR code until the setup is verified (with a
 * code computed here by otplib from the secret the page shows) or
 * cancelled ("Cancel setup" deletes the unconfirmed secret and its backup
 * codes). Real route actions and loaders, real Better Auth, a fresh database.
 */
import { eq } from 'drizzle-orm'
import { generateSync } from 'otplib'
import { describe, expect, test } from 'vitest'
import { database, db } from '#app/lib/db.server.ts'
import { twoFactor } from '#app/lib/db/schema.ts'
import * as settingsRoute from '#app/routes/settings/index.tsx'
import { freshIp, PASSWORD, signUp as signUpAccount } from '#tests/support/accounts.ts'
import { CookieJar } from '#tests/support/cookie-jar.ts'
import { onTestDatabaseTeardown } from '#tests/support/fresh-database.ts'
import { formPost, get, runRoute } from '#tests/support/routes.ts'

onTestDatabaseTeardown(() => database.close())

/** A new account and its browser's cookies (Better Auth replaces the session on verify). */
async function signUp() {
	const jar = new CookieJar()
	const { userId } = await signUpAccount({ jar, name: 'Setup Tester', ip: freshIp() })
	return { jar, userId }
}

async function post(jar: CookieJar, fields: Record<string, string>) {
	const result = await runRoute(settingsRoute.action as never, formPost('/settings', fields, { cookie: jar.header }))
	jar.take(result.response)
	return result
}

async function settings(jar: CookieJar) {
	const result = await runRoute(settingsRoute.loader as never, get('/settings', { cookie: jar.header }))
	expect(result.response.status).toBe(200)
	expect(result.response.headers.get('cache-control')).toBe('no-store')
	return result.data as { twoFactorEnabled: boolean; twoFactorSetup: { secret: string; qrSvg: string } | null }
}

const totp = (secret: string) => generateSync({ secret, epoch: Math.floor(Date.now() / 1000) })

describe('Two-factor setup', () => {
	test('reloading shows the same pending secret and QR code; "Cancel setup" discards it', async () => {
		const { jar, userId } = await signUp()
		expect((await settings(jar)).twoFactorSetup).toBeNull()

		const wrong = await post(jar, { intent: 'two-factor-enable', password: 'not the password' })
		expect(wrong.response.status).toBe(400)
		expect((await settings(jar)).twoFactorSetup).toBeNull()

		const started = await post(jar, { intent: 'two-factor-enable', password: PASSWORD })
		expect(started.response.status).toBe(302)
		expect(started.response.headers.get('location')).toBe('/settings#two-factor-heading')
		const first = await settings(jar)
		expect(first.twoFactorEnabled).toBe(false)
		expect(first.twoFactorSetup?.secret).toMatch(/^[A-Z2-7]{16,}=*$/)
		expect(first.twoFactorSetup?.qrSvg).toMatch(/^<svg/)
		// A reload, and an enable form posted again from another tab: the same setup.
		expect((await settings(jar)).twoFactorSetup).toEqual(first.twoFactorSetup)
		expect((await post(jar, { intent: 'two-factor-enable', password: PASSWORD })).response.status).toBe(302)
		expect((await settings(jar)).twoFactorSetup).toEqual(first.twoFactorSetup)
		// Stored encrypted, never in the clear.
		const [row] = await db.select().from(twoFactor).where(eq(twoFactor.userId, userId))
		expect(row!.verified).toBe(false)
		expect(row!.secret).not.toContain(first.twoFactorSetup!.secret)

		const cancelled = await post(jar, { intent: 'two-factor-cancel' })
		expect(cancelled.response.status).toBe(302)
		expect(cancelled.response.headers.get('location')).toBe('/settings?saved=two-factor-cancelled#two-factor-heading')
		expect(await settings(jar)).toMatchObject({ twoFactorEnabled: false, twoFactorSetup: null })
		expect(await db.select().from(twoFactor).where(eq(twoFactor.userId, userId))).toEqual([])
		// The cancelled secret's code turns nothing on.
		const late = await post(jar, { intent: 'two-factor-verify', code: totp(first.twoFactorSetup!.secret) })
		expect(late.response.status).toBe(302)
		expect(late.response.headers.get('location')).toBe('/settings')
		expect((await settings(jar)).twoFactorEnabled).toBe(false)

		// Starting again: a new secret, the same across a reload, verified with its code.
		expect((await post(jar, { intent: 'two-factor-enable', password: PASSWORD })).response.status).toBe(302)
		const second = await settings(jar)
		expect(second.twoFactorSetup?.secret).toBeTruthy()
		expect(second.twoFactorSetup?.secret).not.toBe(first.twoFactorSetup?.secret)
		const reloaded = await settings(jar)
		expect(reloaded.twoFactorSetup).toEqual(second.twoFactorSetup)
		const verified = await post(jar, { intent: 'two-factor-verify', code: totp(reloaded.twoFactorSetup!.secret) })
		expect(verified.response.status).toBe(200)
		expect(verified.data.backupCodes).toHaveLength(10)
		expect(await settings(jar)).toMatchObject({ twoFactorEnabled: true, twoFactorSetup: null })

		// Once on, "Cancel setup" has nothing to cancel: two-factor stays on.
		expect((await post(jar, { intent: 'two-factor-cancel' })).response.status).toBe(302)
		expect((await settings(jar)).twoFactorEnabled).toBe(true)
		expect(await db.select().from(twoFactor).where(eq(twoFactor.userId, userId))).toHaveLength(1)
	})
})
