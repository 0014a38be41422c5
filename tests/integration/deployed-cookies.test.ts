/**
 * A deployed Taskwell (https BETTER_AUTH_URL, issue 24), through the real
 * routes, Better Auth and database, with mail over real SMTP:
 * - REQUIRE_EMAIL_VERIFICATION is on unless set: sign-up answers a taken
 *   address exactly like a free one;
 * - every auth cookie is __Host-taskwell.* (Secure, Path=/, no Domain), so a
 *   sibling subdomain cannot set one;
 * - a cookie under the old name (__Secure-taskwell.session_token, which a
 *   sibling can set with Domain=<parent>) is not a session, unless its session
 *   was made before the rename: then it keeps working and is moved to the
 *   new name.
 */
import { readFileSync } from 'node:fs'
import { eq, sql } from 'drizzle-orm'
import { afterAll, describe, expect, test } from 'vitest'
import { freshEmail, freshIp, PASSWORD, postSignUp } from '#tests/support/accounts.ts'
import { onTestDatabaseTeardown } from '#tests/support/fresh-database.ts'
import type { RouteArgs } from '#tests/support/routes.ts'
import { startSmtpServer } from '#tests/support/smtp.ts'
import { setEnvForThisFile } from '#tests/support/test-env.ts'

const smtp = await startSmtpServer()
setEnvForThisFile({
	BETTER_AUTH_URL: 'https://taskwell.example',
	BETTER_AUTH_SECRET: 'a-deployed-test-secret-that-is-long-enough',
	SMTP_URL: smtp.url,
	REQUIRE_EMAIL_VERIFICATION: undefined,
})

const { formPost, get, runRoute } = await import('#tests/support/routes.ts')
const { userContext } = await import('#app/context.server.ts')
const { database, db } = await import('#app/lib/db.server.ts')
const { session, user } = await import('#app/lib/db/schema.ts')
const { getEnv } = await import('#app/lib/env.server.ts')
const { flushMail } = await import('#app/lib/mail.server.ts')
const loginRoute = await import('#app/routes/auth/login.tsx')

onTestDatabaseTeardown(() => database.close())
// Mail still being sent goes out before the SMTP server closes.
afterAll(() => flushMail())

const ORIGIN = 'http://localhost:3000'

const signUp = (email: string) => postSignUp({ email, name: 'Grace Hopper', origin: ORIGIN, ip: freshIp() })

/** A verified account (as if its link was followed), signed in: the response's Set-Cookie lines. */
async function signedIn({ rememberMe = true } = {}) {
	const email = freshEmail()
	expect((await signUp(email)).response.status).toBe(302)
	await db.update(user).set({ emailVerified: true }).where(eq(user.email, email))
	const fields: Record<string, string> = { email, password: PASSWORD }
	if (rememberMe) fields.rememberMe = 'on'
	const { response } = await runRoute(loginRoute.action as never, formPost('/login', fields), { ip: freshIp() })
	expect(response.status).toBe(302)
	const setCookies = response.headers.getSetCookie()
	const [owner] = await db.select().from(user).where(eq(user.email, email))
	return { email, userId: owner!.id, setCookies }
}

/** name → raw value of Set-Cookie lines. */
const pairsOf = (setCookies: string[]) =>
	new Map(setCookies.map((line) => line.split(';')[0]!.split(/=(.*)/s).slice(0, 2) as [string, string]))

/** /tasks through its real middleware (the signed-in gate), answering who is signed in. */
const tasksPage = (cookie: string) => runRoute(({ context }: RouteArgs) => context.get(userContext).user, get('/tasks', { cookie }))

describe('deployed defaults', () => {
	test('email verification is on without REQUIRE_EMAIL_VERIFICATION: sign-up answers a taken and a free address alike', async () => {
		expect(getEnv()).toMatchObject({ isDeployed: true, REQUIRE_EMAIL_VERIFICATION: true })
		const taken = freshEmail()
		const free = freshEmail()
		const answers = [
			[taken, await signUp(taken)],
			[taken, await signUp(taken)],
			[free, await signUp(free)],
		] as const
		for (const [email, { response }] of answers) {
			expect(response.status).toBe(302)
			const location = new URL(response.headers.get('location')!, ORIGIN)
			expect(location.pathname).toBe('/verify-email')
			expect(location.searchParams.get('email')).toBe(email)
			expect(response.headers.getSetCookie().some((line) => /session_token=/.test(line))).toBe(false)
		}
		expect(await db.select().from(user).where(eq(user.email, taken))).toHaveLength(1)
	})
})

describe('__Host- cookies', () => {
	test('a sign-in sets every auth cookie as __Host-taskwell.*: Secure, Path=/, no Domain', async () => {
		const { setCookies } = await signedIn({ rememberMe: false })
		expect(setCookies.map((line) => line.split('=')[0])).toEqual(
			expect.arrayContaining(['__Host-taskwell.session_token', '__Host-taskwell.dont_remember']),
		)
		for (const line of setCookies) {
			expect(line).toMatch(/^__Host-taskwell\./)
			expect(line).toMatch(/;\s*Secure/i)
			expect(line).toMatch(/;\s*Path=\/(;|$)/i)
			expect(line).not.toMatch(/;\s*Domain=/i)
		}
		const cookie = [...pairsOf(setCookies)].map(([name, value]) => `${name}=${value}`).join('; ')
		expect((await tasksPage(cookie)).response.status).toBe(200)
	})

	test('a cookie a sibling subdomain could set (the old __Secure- name, Domain=<parent>) is not a session, even with a valid signed session', async () => {
		const { setCookies } = await signedIn()
		const value = pairsOf(setCookies).get('__Host-taskwell.session_token')!
		// What evil.taskwell.example can store in the browser: Set-Cookie:
		// __Secure-taskwell.session_token=…; Domain=taskwell.example; Secure. The
		// browser sends it back as a plain name=value.
		for (const name of ['__Secure-taskwell.session_token', 'taskwell.session_token']) {
			const { response } = await tasksPage(`${name}=${value}`)
			expect(response.status, name).toBe(302)
			expect(response.headers.get('location')).toBe('/login?redirectTo=%2Ftasks')
		}
		// The old-name one is removed from the browser.
		const { response } = await tasksPage(`__Secure-taskwell.session_token=${value}`)
		expect(response.headers.getSetCookie().join('\n')).toMatch(/^__Secure-taskwell\.session_token=;.*Max-Age=0/m)
	})
})

describe('sessions made before the rename', () => {
	/** A session as migration 0003 left it, with its cookie under the old name. */
	async function legacySession({ rememberMe = true, until = new Date(Date.now() + 86_400_000) } = {}) {
		const signed = await signedIn({ rememberMe })
		await db.update(session).set({ legacyCookieUntil: until }).where(eq(session.userId, signed.userId))
		const cookie = [...pairsOf(signed.setCookies)].map(([name, value]) => `${name.replace('__Host-', '__Secure-')}=${value}`).join('; ')
		return { ...signed, cookie, value: pairsOf(signed.setCookies).get('__Host-taskwell.session_token')! }
	}

	test('keep working under the old name, and the browser is given the new one (same session, same lifetime)', async () => {
		const { cookie, value } = await legacySession()
		const { response } = await tasksPage(cookie)
		expect(response.status).toBe(200)
		const moved = response.headers.getSetCookie()
		const renamed = moved.find((line) => line.startsWith('__Host-taskwell.session_token='))!
		expect(renamed).toBe(
			`__Host-taskwell.session_token=${value}; Path=/; HttpOnly; Secure; SameSite=Lax; Max-Age=${renamed.match(/Max-Age=(\d+)/)![1]}`,
		)
		expect(Number(renamed.match(/Max-Age=(\d+)/)![1])).toBeGreaterThan(6.9 * 86_400)
		expect(moved.join('\n')).toMatch(/^__Secure-taskwell\.session_token=;.*Max-Age=0/m)
		// The new cookie alone is the session.
		expect((await tasksPage(`__Host-taskwell.session_token=${value}`)).response.status).toBe(200)
	})

	test('a session that was not remembered stays a browser-session cookie when moved', async () => {
		const { cookie } = await legacySession({ rememberMe: false })
		expect(cookie).toMatch(/__Secure-taskwell\.dont_remember=/)
		const { response } = await tasksPage(cookie)
		expect(response.status).toBe(200)
		const moved = response.headers.getSetCookie()
		expect(moved.find((line) => line.startsWith('__Host-taskwell.session_token='))).not.toMatch(/Max-Age|Expires/i)
		expect(moved.find((line) => line.startsWith('__Host-taskwell.dont_remember='))).toBeTruthy()
	})

	test('once the grace time is over, the old name is no longer a session', async () => {
		const { cookie } = await legacySession({ until: new Date(Date.now() - 1000) })
		expect((await tasksPage(cookie)).response.status).toBe(302)
	})

	test('migration 0003 marks the sessions that exist then, unexpired ones only, for a week', async () => {
		const live = await signedIn()
		const expired = await signedIn()
		await db
			.update(session)
			.set({ expiresAt: new Date(Date.now() - 1000) })
			.where(eq(session.userId, expired.userId))
		await db.update(session).set({ legacyCookieUntil: null })
		const update = readFileSync('drizzle/app/0003_session_legacy_cookie.sql', 'utf8')
			.split('--> statement-breakpoint')
			.find((statement) => /UPDATE "session"/.test(statement))!
		await db.execute(sql.raw(update))
		const [liveRow] = await db.select().from(session).where(eq(session.userId, live.userId))
		const [expiredRow] = await db.select().from(session).where(eq(session.userId, expired.userId))
		const days = (liveRow!.legacyCookieUntil!.getTime() - Date.now()) / 86_400_000
		expect(days).toBeGreaterThan(6.99)
		expect(days).toBeLessThanOrEqual(7)
		expect(expiredRow!.legacyCookieUntil).toBeNull()
		// A session made now has no mark.
		const fresh = await signedIn()
		const [freshRow] = await db.select().from(session).where(eq(session.userId, fresh.userId))
		expect(freshRow!.legacyCookieUntil).toBeNull()
	})
})
