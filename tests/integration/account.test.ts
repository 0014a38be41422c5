/**
 * Issue 5's account features through the real route actions and loaders,
 * the real Better Auth, a fresh database, mail received over real SMTP (an
 * in-process smtp-server) and a fake task API for account deletion.
 */
import { eq, sql } from 'drizzle-orm'
import { decodeJwt } from 'jose'
import { beforeAll, describe, expect, test } from 'vitest'
import { PASSWORD, signUp } from '#tests/support/accounts.ts'
import { startFakeTasksApi } from '#tests/support/fake-tasks-api.ts'
import { linkIn, startSmtpServer } from '#tests/support/smtp.ts'
import { setEnvForThisFile } from '#tests/support/test-env.ts'

// The environment is read once, when the app's modules load: set it first.
const smtp = await startSmtpServer()
const tasksApi = await startFakeTasksApi()
setEnvForThisFile({ SMTP_URL: smtp.url, TASKS_API_URL: tasksApi.url })

const app = await import('#tests/support/app.ts')
const { APP_ORIGIN, cookieHeaderFrom, formPost, get, runRoute, db, flushMail } = app
const { session, user, verification } = app.tables
const { loginRoute, forgotRoute, resetRoute, settingsRoute, outboxRoute } = app
const { NEUTRAL_RESPONSE_MS } = await import('#app/routes/auth/+shared/neutral-answer.server.ts')

const NEW_PASSWORD = 'an even better password'

function post(path: string, fields: Record<string, string>, { cookie, userAgent }: { cookie?: string; userAgent?: string } = {}) {
	const request = formPost(path, fields, { cookie })
	if (userAgent) request.headers.set('user-agent', userAgent)
	return request
}

async function signIn(email: string, password = PASSWORD, userAgent?: string) {
	return runRoute(loginRoute.action, post('/login', { email, password }, { userAgent }), {
		ip: '198.51.100.23',
	})
}

async function isSignedIn(cookie: string) {
	const { response } = await runRoute(settingsRoute.loader, get('/settings', { cookie }))
	return response.status === 200
}

/** The Settings form posted from the browser holding `cookie`. */
const postSettings = (cookie: string, fields: Record<string, string>) =>
	runRoute(settingsRoute.action, post('/settings', fields, { cookie }))

/** Settings → Change password: the current password, and the new one typed twice. */
const changePassword = (cookie: string, currentPassword: string, newPassword: string, more: Record<string, string> = {}) =>
	postSettings(cookie, { intent: 'change-password', currentPassword, newPassword, confirmPassword: newPassword, ...more })

async function requestReset(email: string) {
	const since = smtp.received.length
	const started = Date.now()
	const result = await runRoute(forgotRoute.action, post('/forgot-password', { email }))
	return { ...result, since, elapsedMs: Date.now() - started }
}

/** The reset form posted with this token and new password (and its confirmation). */
const resetPassword = (token: string, newPassword: string, confirmPassword = newPassword) =>
	runRoute(resetRoute.action, post('/reset-password', { token, newPassword, confirmPassword }))
/** The page a reset link opens. */
const resetPage = (token: string) => runRoute(resetRoute.loader, get(`/reset-password?token=${token}`))

async function resetLinkFor(email: string) {
	const { since, response } = await requestReset(email)
	expect(response.status).toBe(302)
	const mail = await smtp.waitFor(email, { since })
	const link = new URL(linkIn(mail, '/reset-password?token='))
	return link
}

describe('forgot password', () => {
	test('answers the same for a known and an unknown email, taking about the same time; mails only the account', async () => {
		const { email } = await signUp()
		const known = await requestReset(email)
		const unknown = await requestReset(`nobody-${Date.now()}@example.com`)
		for (const result of [known, unknown]) {
			expect(result.response.status).toBe(302)
			expect(result.response.headers.get('location')).toBe('/forgot-password?sent=1')
			// Both branches are held to the same minimum duration (a floor, so a
			// busy machine cannot make this fail; the difference is not asserted).
			expect(result.elapsedMs).toBeGreaterThanOrEqual(NEUTRAL_RESPONSE_MS - 10)
		}
		expect([...known.response.headers.keys()]).toEqual([...unknown.response.headers.keys()])
		expect(await known.response.text()).toBe(await unknown.response.text())
		const mail = await smtp.waitFor(email, { since: known.since })
		expect(mail.text).toContain('Reset your Taskwell password')
		const link = new URL(linkIn(mail, '/reset-password?token='))
		expect(link.origin).toBe(APP_ORIGIN)
		expect(link.pathname).toBe('/reset-password')
		await flushMail()
		expect(smtp.countTo(`nobody-${Date.now()}@example.com`)).toBe(0)
	})

	test('an invalid email is a field error', async () => {
		const { response, data } = await runRoute(forgotRoute.action, post('/forgot-password', { email: 'nope' }))
		expect(response.status).toBe(400)
		expect(data.result.error.email).toEqual(['Enter a valid email address'])
	})

	test('stores reset tokens hashed, never as sent', async () => {
		const { email } = await signUp()
		const link = await resetLinkFor(email)
		const token = link.searchParams.get('token')!
		const rows = await db.select().from(verification)
		expect(rows.length).toBeGreaterThan(0)
		for (const row of rows) expect(row.identifier).not.toContain(token)
	})
})

describe('reset password', () => {
	test('a valid link sets the new password, ends every session, and is single-use', async () => {
		const { email, cookie: firstSession } = await signUp()
		const second = cookieHeaderFrom((await signIn(email)).response)
		expect(await isSignedIn(firstSession)).toBe(true)
		const link = await resetLinkFor(email)
		const token = link.searchParams.get('token')!

		const page = await resetPage(token)
		expect(page.data).toEqual({ token, valid: true })
		expect(page.response.headers.get('cache-control')).toBe('no-store')
		expect(page.response.headers.get('referrer-policy')).toBe('same-origin')

		const mismatch = await resetPassword(token, NEW_PASSWORD, 'something else')
		expect(mismatch.response.status).toBe(400)
		expect(mismatch.data.result.error.confirmPassword).toEqual(['Passwords do not match'])
		expect(mismatch.data.result.initialValue.newPassword).toBeUndefined()

		const done = await resetPassword(token, NEW_PASSWORD)
		expect(done.response.status).toBe(302)
		expect(done.response.headers.get('location')).toBe('/login?reset=1')

		expect(await isSignedIn(firstSession)).toBe(false)
		expect(await isSignedIn(second)).toBe(false)
		expect((await signIn(email, PASSWORD)).response.status).toBe(401)
		expect((await signIn(email, NEW_PASSWORD)).response.status).toBe(302)

		const again = await resetPassword(token, PASSWORD)
		expect(again.response.status).toBe(400)
		expect(again.data.invalidToken).toBe(true)
		const reopened = await resetPage(token)
		expect(reopened.data.valid).toBe(false)
	})

	test('using the newest of two links invalidates the older one', async () => {
		const { email } = await signUp()
		const older = (await resetLinkFor(email)).searchParams.get('token')!
		const newer = (await resetLinkFor(email)).searchParams.get('token')!
		expect(older).not.toBe(newer)
		const done = await resetPassword(newer, NEW_PASSWORD)
		expect(done.response.status).toBe(302)
		const page = await resetPage(older)
		expect(page.data.valid).toBe(false)
		const stale = await resetPassword(older, PASSWORD)
		expect(stale.response.status).toBe(400)
		expect((await signIn(email, NEW_PASSWORD)).response.status).toBe(302)
	})

	test('changing the password in Settings invalidates every outstanding reset link', async () => {
		const { email, cookie } = await signUp()
		const token = (await resetLinkFor(email)).searchParams.get('token')!
		const changed = await changePassword(cookie, PASSWORD, NEW_PASSWORD)
		expect(changed.response.status).toBe(302)
		const page = await resetPage(token)
		expect(page.data.valid).toBe(false)
		const stale = await resetPassword(token, 'a third password here')
		expect(stale.response.status).toBe(400)
		expect((await signIn(email, NEW_PASSWORD)).response.status).toBe(302)
	})

	test('an expired or forged token is refused with a way to ask again', async () => {
		const { email } = await signUp()
		const link = await resetLinkFor(email)
		const token = link.searchParams.get('token')!
		await db.update(verification).set({ expiresAt: sql`now() - interval '1 minute'` })
		for (const candidate of [token, 'forged-token-value', '']) {
			const page = await resetPage(candidate)
			expect(page.data.valid, candidate).toBe(false)
			const submit = await resetPassword(candidate, NEW_PASSWORD)
			expect(submit.response.status).toBe(400)
		}
		expect((await signIn(email, PASSWORD)).response.status).toBe(302)
	})

	test('too many resets from one IP answer 429 with Retry-After, the wait as the form error, and no password', async () => {
		const fields = { token: 'forged-token-value', newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD }
		const ip = '192.0.2.77'
		const reset = () => runRoute(resetRoute.action, post('/reset-password', fields), { ip })
		for (let attempt = 0; attempt < 30; attempt++) expect((await reset()).response.status).toBe(400)
		const last = await reset()
		expect(last.response.status).toBe(429)
		expect(last.response.headers.get('retry-after')).toMatch(/^\d+$/)
		expect(last.response.headers.get('cache-control')).toBe('no-store')
		expect(last.data.invalidToken).toBe(false)
		expect(last.data.result.error['']?.[0]).toMatch(/^Too many attempts\. Try again in \d+ minutes?\.$/)
		expect(JSON.stringify(last.data)).not.toContain(NEW_PASSWORD)
	})
})

describe('settings', () => {
	test('is protected', async () => {
		const { response } = await runRoute(settingsRoute.loader, get('/settings'))
		expect(response.status).toBe(302)
		expect(response.headers.get('location')).toBe('/login?redirectTo=%2Fsettings')
	})

	test('changes the name, with validation', async () => {
		const { cookie } = await signUp()
		const empty = await postSettings(cookie, { intent: 'update-name', name: '  ' })
		expect(empty.response.status).toBe(400)
		expect(empty.data.result.error.name).toEqual(['Name is required'])
		const saved = await postSettings(cookie, { intent: 'update-name', name: '  Ada King  ' })
		expect(saved.response.status).toBe(302)
		expect(saved.response.headers.get('location')).toBe('/settings?saved=name')
		const page = await runRoute(settingsRoute.loader, get('/settings', { cookie }))
		expect(page.data.user.name).toBe('Ada King')
		expect(page.response.headers.get('cache-control')).toBe('no-store')
	})

	test('changes the password: wrong current password is a field error; other devices stay unless asked', async () => {
		const { email, cookie } = await signUp()
		const other = cookieHeaderFrom((await signIn(email)).response)
		const wrong = await changePassword(cookie, 'not it at all', NEW_PASSWORD)
		expect(wrong.response.status).toBe(400)
		expect(wrong.data.result.error.currentPassword).toEqual(['Incorrect password'])
		expect(wrong.data.result.initialValue.currentPassword).toBeUndefined()

		const changed = await changePassword(cookie, PASSWORD, NEW_PASSWORD)
		expect(changed.response.status).toBe(302)
		expect(changed.response.headers.get('location')).toBe('/settings?saved=password#main')
		expect(await isSignedIn(cookie)).toBe(true)
		expect(await isSignedIn(other)).toBe(true)

		const everywhere = await changePassword(cookie, NEW_PASSWORD, PASSWORD, { revokeOtherSessions: 'on' })
		expect(everywhere.response.status).toBe(302)
		expect(everywhere.response.headers.get('location')).toBe('/settings?saved=password-everywhere#main')
		// This browser continues on a new session; the other one is out.
		const renewed = cookieHeaderFrom(everywhere.response)
		expect(renewed).toMatch(/session_token=/)
		expect(await isSignedIn(renewed)).toBe(true)
		expect(await isSignedIn(other)).toBe(false)
	})

	test('lists sessions with device, IP and last activity, marks this one, and signs out others', async () => {
		const { email } = await signUp()
		const mine = cookieHeaderFrom(
			(
				await signIn(
					email,
					PASSWORD,
					'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
				)
			).response,
		)
		const phone = cookieHeaderFrom(
			(
				await signIn(
					email,
					PASSWORD,
					'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
				)
			).response,
		)
		const page = await runRoute(settingsRoute.loader, get('/settings', { cookie: mine }))
		const sessions = page.data.sessions as Array<Record<string, unknown>>
		expect(sessions.length).toBe(3) // sign-up, and two sign-ins
		expect(sessions[0]).toMatchObject({ current: true, device: 'Chrome 131 on Linux', ipAddress: '198.51.100.23' })
		expect(sessions.filter((s) => s.current)).toHaveLength(1)
		const iphone = sessions.find((s) => String(s.device).startsWith('Mobile Safari'))
		expect(iphone?.device).toBe('Mobile Safari 17 on Apple iPhone, iOS 17.5')
		for (const s of sessions) {
			expect(Object.keys(s).sort()).toEqual(['current', 'device', 'id', 'ipAddress', 'lastActiveAt'])
			expect(JSON.stringify(s)).not.toMatch(/token/i)
		}

		const revoked = await postSettings(mine, { intent: 'revoke-session', sessionId: String(iphone!.id) })
		expect(revoked.response.status).toBe(302)
		expect(await isSignedIn(phone)).toBe(false)
		expect(await isSignedIn(mine)).toBe(true)

		// Someone else's session id is not found, and stays signed in.
		const stranger = await signUp()
		const [strangerSession] = await db
			.select()
			.from(session)
			.innerJoin(user, eq(user.id, session.userId))
			.where(eq(user.email, stranger.email))
		const foreign = await postSettings(mine, { intent: 'revoke-session', sessionId: strangerSession!.session.id })
		expect(foreign.response.status).toBe(404)
		expect(await isSignedIn(stranger.cookie)).toBe(true)

		const all = await postSettings(mine, { intent: 'revoke-other-sessions' })
		expect(all.response.status).toBe(302)
		const after = await runRoute(settingsRoute.loader, get('/settings', { cookie: mine }))
		expect(after.data.sessions).toHaveLength(1)
		expect(after.data.sessions[0].current).toBe(true)
	})

	test('deletes the account: password first, then the tasks through the task API, then the user and the session', async () => {
		const { email, cookie } = await signUp()
		const [row] = await db.select().from(user).where(eq(user.email, email))
		tasksApi.calls.length = 0

		const wrong = await postSettings(cookie, { intent: 'delete-account', password: 'wrong password' })
		expect(wrong.response.status).toBe(400)
		expect(wrong.data.result.error.password).toEqual(['Incorrect password'])
		expect(tasksApi.calls).toHaveLength(0)

		tasksApi.status = 503
		const apiDown = await postSettings(cookie, { intent: 'delete-account', password: PASSWORD })
		tasksApi.status = 204
		expect(apiDown.response.status).toBe(503)
		expect(apiDown.data.result.error['']?.[0]).toMatch(/nothing was deleted/)
		expect(await db.select().from(user).where(eq(user.email, email))).toHaveLength(1)

		const deleted = await postSettings(cookie, { intent: 'delete-account', password: PASSWORD })
		expect(deleted.response.status).toBe(302)
		expect(deleted.response.headers.get('location')).toBe('/?deleted=1#main')
		expect(deleted.response.headers.getSetCookie().join('\n')).toMatch(/session_token=;.*Max-Age=0/i)
		const call = tasksApi.calls.at(-1)!
		expect(call).toMatchObject({ method: 'DELETE', path: '/v1/me/tasks' })
		expect(decodeJwt(call.authorization!.replace(/^Bearer /, '')).sub).toBe(row!.id)
		expect(await db.select().from(user).where(eq(user.email, email))).toHaveLength(0)
		expect(await db.select().from(session).where(eq(session.userId, row!.id))).toHaveLength(0)
		expect(await isSignedIn(cookie)).toBe(false)
	})

	test('wrong current passwords are throttled per user', async () => {
		const { cookie } = await signUp()
		let last: Response | undefined
		for (let attempt = 0; attempt < 6; attempt++) {
			last = (await postSettings(cookie, { intent: 'delete-account', password: 'wrong password' })).response
		}
		expect(last!.status).toBe(429)
		expect(last!.headers.get('retry-after')).toMatch(/^\d+$/)
	})

	test('parallel wrong current passwords never check more than the limit (change password and delete account share it)', async () => {
		const { email, cookie } = await signUp()
		const attempts = Array.from({ length: 20 }, (_, i) =>
			i % 2
				? postSettings(cookie, { intent: 'delete-account', password: `wrong password ${i}` })
				: changePassword(cookie, `wrong password ${i}`, NEW_PASSWORD),
		)
		const statuses = (await Promise.all(attempts)).map(({ response }) => response.status)
		expect(statuses.filter((status) => status === 400)).toHaveLength(5)
		expect(statuses.filter((status) => status === 429)).toHaveLength(15)
		// The right password is refused now too, and nothing changed.
		const blocked = await changePassword(cookie, PASSWORD, NEW_PASSWORD)
		expect(blocked.response.status).toBe(429)
		expect((await signIn(email, PASSWORD)).response.status).toBe(302)
	})

	// A cross-site post is a 403 from the HTTP server (tests/e2e/hardening.server.spec.ts).
	test('an unknown intent is a 400', async () => {
		const { cookie } = await signUp()
		const unknown = await postSettings(cookie, { intent: 'make-admin' })
		expect(unknown.response.status).toBe(400)
	})
})

describe('with SMTP configured there is no outbox', () => {
	beforeAll(() => {})
	test('/dev/outbox is a 404', async () => {
		const { response } = await runRoute(outboxRoute.loader, get('/dev/outbox'), { ip: '127.0.0.1' })
		expect(response.status).toBe(404)
	})
})
