/**
 * REQUIRE_EMAIL_VERIFICATION=true: new accounts confirm their email (a link
 * received over real SMTP) before they can sign in, with a "send again"
 * form. Off by default (the other test files run without it).
 */
import { describe, expect, test } from 'vitest'
import { freshEmail, PASSWORD, postSignUp } from '#tests/support/accounts.ts'
import { onTestDatabaseTeardown } from '#tests/support/fresh-database.ts'
import { linkIn, startSmtpServer } from '#tests/support/smtp.ts'
import { setEnvForThisFile } from '#tests/support/test-env.ts'

const smtp = await startSmtpServer()
setEnvForThisFile({ SMTP_URL: smtp.url, REQUIRE_EMAIL_VERIFICATION: 'true' })

const { cookieHeaderFrom, formPost, get, runRoute } = await import('#tests/support/routes.ts')
const { database } = await import('#app/lib/db.server.ts')
const loginRoute = await import('#app/routes/auth/login.tsx')
const verifyRoute = await import('#app/routes/auth/verify-email.tsx')

onTestDatabaseTeardown(() => database.close())

const signUp = (email: string) => postSignUp({ email, name: 'Mary Somerville' })

const signIn = (email: string) => runRoute(loginRoute.action, formPost('/login', { email, password: PASSWORD }))

describe('email verification', () => {
	test('sign-up sends a link and no session; sign-in waits for the click; the link confirms once', async () => {
		const email = freshEmail()
		const since = smtp.received.length
		const { response } = await signUp(email)
		expect(response.status).toBe(302)
		expect(response.headers.get('location')).toBe(`/verify-email?${new URLSearchParams({ email, sent: '1' })}`)
		expect(cookieHeaderFrom(response)).not.toMatch(/session_token=/)

		const refused = await signIn(email)
		expect(refused.response.status).toBe(403)
		expect(refused.data.result.error['']?.[0]).toMatch(/Confirm your email address/)
		expect(cookieHeaderFrom(refused.response)).not.toMatch(/session_token=/)

		const mail = await smtp.waitFor(email, { since })
		const link = new URL(linkIn(mail, '/verify-email?token='))
		expect(link.pathname).toBe('/verify-email')
		// Opening the link (a GET, as a mail scanner would) changes nothing: it shows the button.
		const token = link.searchParams.get('token')!
		for (let i = 0; i < 2; i++) {
			const opened = await runRoute(verifyRoute.loader, get(`${link.pathname}${link.search}`))
			expect(opened.response.status).toBe(200)
			expect(opened.data).toEqual({ token, redirectTo: '', problem: null })
		}
		expect((await signIn(email)).response.status).toBe(403)
		const confirmed = await runRoute(verifyRoute.action, formPost('/verify-email', { intent: 'verify', token }))
		expect(confirmed.response.status).toBe(302)
		expect(confirmed.response.headers.get('location')).toBe('/login?verified=1')

		const allowed = await signIn(email)
		expect(allowed.response.status).toBe(302)
		expect(cookieHeaderFrom(allowed.response)).toMatch(/session_token=/)
	})

	test('a sign-up from a page (redirectTo, e.g. an invitation) comes back to it: through the link, then sign-in', async () => {
		const email = freshEmail()
		const since = smtp.received.length
		const back = '/invitations/0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d'
		const { response } = await postSignUp({ email, name: 'Mary Somerville', fields: { redirectTo: back } })
		expect(response.status).toBe(302)
		const link = new URL(linkIn(await smtp.waitFor(email, { since }), '/verify-email?token='))
		expect(link.searchParams.get('redirectTo')).toBe(back)
		const opened = await runRoute(verifyRoute.loader, get(`${link.pathname}${link.search}`))
		expect(opened.data).toMatchObject({ redirectTo: back })
		const token = link.searchParams.get('token')!
		const confirmed = await runRoute(verifyRoute.action, formPost('/verify-email', { intent: 'verify', token, redirectTo: back }))
		expect(confirmed.response.headers.get('location')).toBe(`/login?verified=1&${new URLSearchParams({ redirectTo: back })}`)
		const signedIn = await runRoute(loginRoute.action, formPost('/login', { email, password: PASSWORD, redirectTo: back }))
		expect(signedIn.response.headers.get('location')).toBe(back)
		// Anything off-site in the link is dropped.
		const forged = await runRoute(verifyRoute.loader, get(`/verify-email?token=x&redirectTo=${encodeURIComponent('//evil.example')}`))
		expect(forged.data).toMatchObject({ redirectTo: '' })
	})

	test('a taken email gets the same answer as a free one (no account enumeration)', async () => {
		const email = freshEmail()
		await signUp(email)
		const again = await signUp(email)
		expect(again.response.status).toBe(302)
		expect(again.response.headers.get('location')).toMatch(/^\/verify-email\?/)
	})

	test('sign-up with a taken address answers exactly like a free one, and mails the owner instead', async () => {
		const taken = freshEmail()
		await signUp(taken)
		await smtp.waitFor(taken)
		const free = freshEmail()
		const since = smtp.received.length
		const forTaken = await signUp(taken)
		const forFree = await signUp(free)
		for (const [{ response }, email] of [
			[forTaken, taken],
			[forFree, free],
		] as const) {
			expect(response.status).toBe(302)
			expect(response.headers.get('location')).toBe(`/verify-email?${new URLSearchParams({ email, sent: '1' })}`)
			expect(response.headers.getSetCookie()).toEqual([])
		}
		// The owner of the taken address learns that someone tried; the new
		// address gets its confirmation link.
		const notice = await smtp.waitFor(taken, { since })
		expect(notice.text).toMatch(/Someone tried to create a Taskwell account with this email address/)
		expect(notice.text).toContain('/forgot-password')
		expect(notice.text).not.toMatch(/\/verify-email\?token=/)
		const confirm = await smtp.waitFor(free, { since })
		expect(linkIn(confirm, '/verify-email?token=')).toBeTruthy()
	})

	test('"Send again" mails a fresh link to an unconfirmed account, and answers the same for unknown ones', async () => {
		const email = freshEmail()
		await signUp(email)
		await smtp.waitFor(email)
		const since = smtp.received.length
		for (const address of [email, `nobody-${Date.now()}@example.com`]) {
			const { response } = await runRoute(verifyRoute.action, formPost('/verify-email', { email: address }))
			expect(response.status).toBe(302)
			expect(response.headers.get('location')).toBe(`/verify-email?${new URLSearchParams({ sent: '1', email: address })}`)
		}
		const mail = await smtp.waitFor(email, { since })
		expect(linkIn(mail, '/verify-email?token=')).toBeTruthy()
	})

	test('a forged or tampered link is refused with the send-again form', async () => {
		for (const token of ['not-a-token', 'eyJhbGciOiJIUzI1NiJ9.eyJlbWFpbCI6ImFAYi5jb20ifQ.forged']) {
			const { response, data } = await runRoute(verifyRoute.action, formPost('/verify-email', { intent: 'verify', token }))
			expect(response.status).toBe(200)
			expect(data.problem).toBe('invalid')
		}
	})
})
