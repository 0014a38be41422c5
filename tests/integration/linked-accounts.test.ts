/**
 * Settings → Linked accounts (issue 10) on the server: the list, and unlink
 * rules — never the last way to sign in (a password counts), only the
 * user's own accounts, and only from a recently signed-in session (Better
 * Auth's fresh-session rule). Linking itself runs end to end against a real
 * OpenID provider in tests/e2e/sign-in-providers.spec.ts.
 */
import { eq } from 'drizzle-orm'
import { describe, expect, test } from 'vitest'
import { auth } from '#app/lib/auth/better-auth.server.ts'
import { database, db } from '#app/lib/db.server.ts'
import { session } from '#app/lib/db/schema.ts'
import * as settingsRoute from '#app/routes/settings/index.tsx'
import { freshIp, signUp as signUpAccount } from '#tests/support/accounts.ts'
import { onTestDatabaseTeardown } from '#tests/support/fresh-database.ts'
import { formPost, get, runRoute } from '#tests/support/routes.ts'

onTestDatabaseTeardown(() => database.close())

const signUp = () => signUpAccount({ name: 'Ada Byron', ip: freshIp() })

const settings = (cookie: string) => runRoute(settingsRoute.loader as never, get('/settings', { cookie }))
const unlink = (cookie: string, accountId: string) =>
	runRoute(settingsRoute.action as never, formPost('/settings', { intent: 'unlink-provider', accountId }, { cookie }))

/** A provider account on the user, as a finished link leaves it. */
async function addProviderAccount(userId: string) {
	const ctx = await auth.$context
	return ctx.internalAdapter.createAccount({ userId, providerId: 'github', accountId: `gh-${userId}` })
}

describe('Linked accounts', () => {
	test('lists the password; it cannot be unlinked while it is the only way in', async () => {
		const { cookie } = await signUp()
		const { data } = await settings(cookie)
		expect(data.linkedAccounts).toEqual([{ id: expect.any(String), providerId: 'credential', name: 'Password' }])
		expect(data.linkableProviders).toEqual([])
		const refused = await unlink(cookie, data.linkedAccounts[0].id)
		expect(refused.response.status).toBe(400)
		expect(refused.data.result.error['']).toEqual(['This is your only way to sign in: add another before removing it.'])
		expect((await settings(cookie)).data.linkedAccounts).toHaveLength(1)
	})

	test('unlinks a second method from a fresh session, only the user’s own', async () => {
		const { cookie, user } = await signUp()
		const provider = await addProviderAccount(user.id)
		const other = await signUp()
		const othersAccount = await addProviderAccount(other.user.id)

		const notMine = await unlink(cookie, othersAccount.id)
		expect(notMine.response.status).toBe(404)

		// An old session must sign in again first.
		await db
			.update(session)
			.set({ createdAt: new Date(Date.now() - 2 * 24 * 60 * 60 * 1000) })
			.where(eq(session.userId, user.id))
		const stale = await unlink(cookie, provider.id)
		expect(stale.response.status).toBe(400)
		expect(stale.data.result.error[''][0]).toMatch(/sign out and sign in again/)
		await db.update(session).set({ createdAt: new Date() }).where(eq(session.userId, user.id))

		const done = await unlink(cookie, provider.id)
		expect(done.response.status).toBe(302)
		expect(done.response.headers.get('location')).toBe('/settings?unlinked=github')
		expect((await settings(cookie)).data.linkedAccounts.map((account: { providerId: string }) => account.providerId)).toEqual([
			'credential',
		])
		expect((await settings(other.cookie)).data.linkedAccounts).toHaveLength(2)
	})
})
