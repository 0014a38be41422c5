/**
 * The emailed sign-in link and the email change (issue 10) with mail over
 * real SMTP (an in-process smtp-server), through the real routes, Better
 * Auth and database.
 */
import { desc } from 'drizzle-orm'
import { describe, expect, test } from 'vitest'
import { freshEmail, freshIp, PASSWORD, signUp as signUpAccount, userByEmail } from '#tests/support/accounts.ts'
import { linkIn, startSmtpServer } from '#tests/support/smtp.ts'
import { setEnvForThisFile } from '#tests/support/test-env.ts'

const smtp = await startSmtpServer()
setEnvForThisFile({ SMTP_URL: smtp.url })

const app = await import('#tests/support/app.ts')
const { cookieHeaderFrom, formPost, get, runRoute, db, flushMail } = app
const { verification } = app.tables
const { loginRoute, linkRoute, settingsRoute, changeEmailRoute, forgotRoute } = app

/** A new account's session cookie. */
const signUp = async (email: string) => (await signUpAccount({ email, name: 'Grace Hopper', ip: freshIp() })).cookie

const askForLink = (email: string, ip = '198.51.100.1') =>
	runRoute(loginRoute.action as never, formPost('/login', { intent: 'magic-link', email, password: '' }), { ip })

describe('Email me a sign-in link', () => {
	test('same answer for known and unknown addresses; only the account gets a link, valid 10 minutes, to the app page', async () => {
		const email = freshEmail()
		await signUp(email)
		const unknown = freshEmail('nobody')
		const since = smtp.received.length
		const answers = [await askForLink(unknown), await askForLink(email)]
		for (const { response } of answers) {
			expect(response.status).toBe(302)
			expect(response.headers.get('location')).toBe('/login?link-sent=1')
		}
		const mail = await smtp.waitFor(email, { since })
		expect(mail.text).toContain('Your Taskwell sign-in link')
		const link = new URL(linkIn(mail, '/login/link?token='))
		expect(link.origin).toBe('http://localhost:3000')
		const [row] = await db.select().from(verification).orderBy(desc(verification.createdAt)).limit(1)
		const lifetime = (row!.expiresAt.getTime() - row!.createdAt.getTime()) / 1000
		expect(lifetime).toBeGreaterThan(590)
		expect(lifetime).toBeLessThanOrEqual(601)
		await flushMail()
		expect(smtp.countTo(unknown)).toBe(0)
	})

	test('the link’s GET shows a button; its POST signs in once and lands on /tasks', async () => {
		const email = freshEmail()
		await signUp(email)
		const since = smtp.received.length
		await askForLink(email)
		const link = new URL(linkIn(await smtp.waitFor(email, { since }), '/login/link?token='))
		const token = link.searchParams.get('token')!
		for (let i = 0; i < 2; i++) {
			const opened = await runRoute(linkRoute.loader as never, get(`${link.pathname}${link.search}`))
			expect(opened.response.status).toBe(200)
			expect(opened.data).toEqual({ token })
			expect(opened.response.headers.get('set-cookie')).toBeNull()
		}
		const used = await runRoute(linkRoute.action as never, formPost('/login/link', { token }))
		expect(used.response.status).toBe(302)
		expect(used.response.headers.get('location')).toBe('/tasks')
		expect(cookieHeaderFrom(used.response)).toMatch(/taskwell\.session_token=/)
		// The address is proven now. The account's email was not verified
		// before, so Better Auth dropped what was attached before the proof
		// (revokeUnprovenAccountAccess): the password no longer signs in.
		expect((await userByEmail(email))?.emailVerified).toBe(true)
		const withPassword = await runRoute(loginRoute.action as never, formPost('/login', { email, password: PASSWORD }), { ip: freshIp() })
		expect(withPassword.response.status).toBe(401)

		const again = await runRoute(linkRoute.action as never, formPost('/login/link', { token }))
		expect(again.response.status).toBe(400)
		expect(again.data.problem).toBe('This sign-in link has expired or has already been used.')
		expect(cookieHeaderFrom(again.response)).not.toMatch(/session_token=/)
		const forged = await runRoute(linkRoute.action as never, formPost('/login/link', { token: `${token}x` }))
		expect(forged.response.status).toBe(400)
	})

	test('throttled like password reset: per address (silently) and per IP (429)', async () => {
		const email = freshEmail()
		await signUp(email)
		const since = smtp.received.length
		for (let i = 0; i < 5; i++) expect((await askForLink(email, `198.51.100.${10 + i}`)).response.status).toBe(302)
		await smtp.waitFor(email, { since })
		await flushMail()
		expect(smtp.received.slice(since).filter((mail) => mail.to.includes(email)).length).toBe(3)

		const ip = '198.51.100.99'
		for (let i = 0; i < 20; i++) expect((await askForLink(freshEmail('flood'), ip)).response.status).toBe(302)
		const throttled = await askForLink(freshEmail('flood'), ip)
		expect(throttled.response.status).toBe(429)
		expect(Number(throttled.response.headers.get('retry-after'))).toBeGreaterThan(0)
	})
})

describe('Change email', () => {
	test('verification to the new address, notice to the old; the email changes only on confirm; sessions stay; links then go to the new address', async () => {
		const oldEmail = freshEmail('old')
		const newEmail = freshEmail('new')
		const cookie = await signUp(oldEmail)
		const change = (currentPassword: string) =>
			runRoute(settingsRoute.action as never, formPost('/settings', { intent: 'change-email', newEmail, currentPassword }, { cookie }))

		const wrong = await change('not the password')
		expect(wrong.response.status).toBe(400)
		expect(wrong.data.result.error.currentPassword).toEqual(['Incorrect password'])

		const since = smtp.received.length
		const requested = await change(PASSWORD)
		expect(requested.response.status).toBe(302)
		expect(requested.response.headers.get('location')).toBe(`/settings?${new URLSearchParams({ 'email-change': 'sent', to: newEmail })}`)
		const notice = await smtp.waitFor(oldEmail, { since })
		expect(notice.text).toContain(`change its email address to ${newEmail}`)
		expect(notice.text).not.toContain('/change-email?token=')
		const confirmation = await smtp.waitFor(newEmail, { since })
		const link = new URL(linkIn(confirmation, '/change-email?token='))
		expect((await userByEmail(oldEmail))?.id).toBeTruthy()
		expect(await userByEmail(newEmail)).toBeNull()

		const token = link.searchParams.get('token')!
		const opened = await runRoute(changeEmailRoute.loader as never, get(`${link.pathname}${link.search}`))
		expect(opened.data).toEqual({ token })
		expect(await userByEmail(newEmail)).toBeNull()

		const confirmed = await runRoute(changeEmailRoute.action as never, formPost('/change-email', { token }))
		expect(confirmed.response.status).toBe(302)
		expect(confirmed.response.headers.get('location')).toBe('/settings?email-change=done')
		const user = await userByEmail(newEmail)
		expect(user?.emailVerified).toBe(true)
		expect(await userByEmail(oldEmail)).toBeNull()
		const again = await runRoute(changeEmailRoute.action as never, formPost('/change-email', { token }))
		expect(again.response.status).toBe(400)

		// The session that asked is still signed in, now as the new address.
		const settings = await runRoute(settingsRoute.loader as never, get('/settings', { cookie }))
		expect(settings.response.status).toBe(200)
		expect(settings.data.user.email).toBe(newEmail)

		// Password reset and the sign-in link go to the new address only.
		const before = smtp.received.length
		await runRoute(forgotRoute.action as never, formPost('/forgot-password', { email: newEmail }), { ip: freshIp() })
		await askForLink(newEmail, freshIp())
		await runRoute(forgotRoute.action as never, formPost('/forgot-password', { email: oldEmail }), { ip: freshIp() })
		await askForLink(oldEmail, freshIp())
		await flushMail()
		const after = smtp.received.slice(before)
		expect(after.filter((mail) => mail.to.includes(newEmail)).map((mail) => /Subject: (.*)/.exec(mail.raw)?.[1])).toEqual(
			expect.arrayContaining(['Reset your Taskwell password', 'Your Taskwell sign-in link']),
		)
		expect(after.filter((mail) => mail.to.includes(oldEmail))).toHaveLength(0)
	})

	test('the same address, or one already taken, changes nothing', async () => {
		const email = freshEmail('same')
		const cookie = await signUp(email)
		const same = await runRoute(
			settingsRoute.action as never,
			formPost('/settings', { intent: 'change-email', newEmail: email, currentPassword: PASSWORD }, { cookie }),
		)
		expect(same.response.status).toBe(400)
		expect(same.data.result.error.newEmail).toEqual(['That is already your email address.'])

		const taken = freshEmail('taken')
		await signUp(taken)
		const since = smtp.received.length
		const answer = await runRoute(
			settingsRoute.action as never,
			formPost('/settings', { intent: 'change-email', newEmail: taken, currentPassword: PASSWORD }, { cookie }),
		)
		// The same answer as for a free address (no enumeration), and no link to the taken one.
		expect(answer.response.status).toBe(302)
		await flushMail()
		expect(smtp.received.slice(since).filter((mail) => mail.to.includes(taken))).toHaveLength(0)
		expect((await userByEmail(email))?.email).toBe(email)
	})
})
