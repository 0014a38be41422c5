/**
 * Changing the email of an account without a password (provider or
 * sign-in link only): it proves itself with a code sent to its current
 * address, or with a sign-in within the last 5 minutes — never with
 * nothing. Mail over real SMTP (an in-process smtp-server); the real
 * routes, Better Auth and database. Password accounts keep giving their
 * password (sign-in-link-smtp.test.ts).
 */
import { createHash } from 'node:crypto'
import { describe, expect, test } from 'vitest'
import { freshEmail, freshIp, signUp } from '#tests/support/accounts.ts'
import { onTestDatabaseTeardown } from '#tests/support/fresh-database.ts'
import { linkIn, startSmtpServer, type ReceivedMail } from '#tests/support/smtp.ts'
import { setEnvForThisFile } from '#tests/support/test-env.ts'

const smtp = await startSmtpServer()
setEnvForThisFile({ SMTP_URL: smtp.url })

const { cookieHeaderFrom, formPost, get, runRoute } = await import('#tests/support/routes.ts')
const { and, eq } = await import('drizzle-orm')
const { database, db } = await import('#app/lib/db.server.ts')
const { account, authEvent, session, verification } = await import('#app/lib/db/schema.ts')
const { flushMail } = await import('#app/lib/mail.server.ts')
const { EMAIL_CODE_REQUIRED_MESSAGE, INVALID_EMAIL_CODE_MESSAGE } = await import('#app/routes/settings/+shared/schemas.ts')
const loginRoute = await import('#app/routes/auth/login.tsx')
const linkRoute = await import('#app/routes/auth/login.link.tsx')
const settingsRoute = await import('#app/routes/settings/index.tsx')

onTestDatabaseTeardown(() => database.close())

/**
 * An account that signs in by emailed link only: signed up (email not yet
 * verified), then signed in with a link, which proves the address and drops
 * the password set before the proof (Better Auth). The link's session.
 */
async function linkOnlyAccount() {
	const { email, userId } = await signUp({ email: freshEmail('nopassword'), name: 'Link Only', ip: freshIp() })
	const since = smtp.received.length
	await runRoute(loginRoute.action as never, formPost('/login', { intent: 'magic-link', email, password: '' }), { ip: freshIp() })
	const token = new URL(linkIn(await smtp.waitFor(email, { since }), '/login/link?token=')).searchParams.get('token')!
	const signedIn = await runRoute(linkRoute.action as never, formPost('/login/link', { token }))
	expect(signedIn.response.status).toBe(302)
	const cookie = cookieHeaderFrom(signedIn.response)
	expect(
		await db
			.select()
			.from(account)
			.where(and(eq(account.userId, userId), eq(account.providerId, 'credential'))),
	).toEqual([])
	return { email, cookie, userId }
}

/** The session began `minutes` ago. */
async function ageSession(userId: string, minutes: number) {
	await db
		.update(session)
		.set({ createdAt: new Date(Date.now() - minutes * 60 * 1000) })
		.where(eq(session.userId, userId))
}

const settingsPost = (cookie: string, fields: Record<string, string>) =>
	runRoute(settingsRoute.action as never, formPost('/settings', fields, { cookie }))
const changeEmail = (cookie: string, newEmail: string, code?: string) =>
	settingsPost(cookie, { intent: 'change-email', newEmail, ...(code === undefined ? {} : { code }) })
const settings = async (cookie: string) => (await runRoute(settingsRoute.loader as never, get('/settings', { cookie }))).data

function codeIn(mail: ReceivedMail): string {
	const match = /\n(\d{6})\r?\n/.exec(mail.text)
	if (!match) throw new Error('no code in the message')
	return match[1]!
}

async function sendCode(cookie: string, email: string) {
	const since = smtp.received.length
	const sent = await settingsPost(cookie, { intent: 'email-change-code' })
	expect(sent.response.status).toBe(302)
	expect(sent.response.headers.get('location')).toBe('/settings?email-code=sent#change-email-heading')
	const mail = await smtp.waitFor(email, { since })
	expect(/Subject: (.*)/.exec(mail.raw)?.[1]).toBe('Your Taskwell code to change your email')
	return codeIn(mail)
}

async function expectLinkSentTo(newEmail: string, since: number) {
	const confirmation = await smtp.waitFor(newEmail, { since })
	expect(linkIn(confirmation, '/change-email?token=')).toBeTruthy()
}

const codeErrors = (result: { data: { result: { error: Record<string, string[]> } } }) => result.data.result.error.code

describe('Change email without a password', () => {
	test('a sign-in within the last 5 minutes is proof enough', async () => {
		const { email, cookie, userId } = await linkOnlyAccount()
		expect((await settings(cookie)).emailChangeProof).toBe('recent-sign-in')
		const newEmail = freshEmail('fresh')
		const since = smtp.received.length
		const changed = await changeEmail(cookie, newEmail)
		expect(changed.response.status).toBe(302)
		expect(changed.response.headers.get('location')).toBe(`/settings?${new URLSearchParams({ 'email-change': 'sent', to: newEmail })}`)
		await expectLinkSentTo(newEmail, since)
		expect((await smtp.waitFor(email, { since })).text).toContain(`change its email address to ${newEmail}`)
		const events = await db.select().from(authEvent).where(eq(authEvent.userId, userId))
		expect(events.map((event) => event.type)).toContain('email-change-requested')
	})

	test('an older session needs the code mailed to the current address: none or a wrong one is refused; the code works once', async () => {
		const { email, cookie, userId } = await linkOnlyAccount()
		await ageSession(userId, 6)
		expect((await settings(cookie)).emailChangeProof).toBe('code')

		// A forged POST without a code (or with an empty one): refused, nothing mailed.
		const before = smtp.received.length
		for (const refused of [await changeEmail(cookie, freshEmail('nocode')), await changeEmail(cookie, freshEmail('nocode'), '')]) {
			expect(refused.response.status).toBe(400)
			expect(codeErrors(refused)).toEqual([EMAIL_CODE_REQUIRED_MESSAGE])
		}
		await flushMail()
		expect(smtp.received.length).toBe(before)

		const code = await sendCode(cookie, email)
		// Stored hashed: neither the code nor the account in the row.
		const [row] = await db
			.select()
			.from(verification)
			.where(eq(verification.identifier, createHash('sha256').update(`email-change-code:${userId}`).digest('base64url')))
		expect(row!.value).not.toContain(code)
		expect(row!.identifier).not.toContain(userId)
		expect((row!.expiresAt.getTime() - row!.createdAt.getTime()) / 1000).toBeCloseTo(600, -1)

		const wrongCode = code === '000000' ? '000001' : '000000'
		const wrong = await changeEmail(cookie, freshEmail('wrong'), wrongCode)
		expect(wrong.response.status).toBe(400)
		expect(codeErrors(wrong)).toEqual([INVALID_EMAIL_CODE_MESSAGE])
		const badFormat = await changeEmail(cookie, freshEmail('wrong'), '12345')
		expect(badFormat.response.status).toBe(400)
		expect(codeErrors(badFormat)).toEqual(['Enter the 6-digit code from your email'])

		const newEmail = freshEmail('coded')
		const since = smtp.received.length
		const changed = await changeEmail(cookie, newEmail, ` ${code.slice(0, 3)} ${code.slice(3)} `)
		expect(changed.response.status).toBe(302)
		expect(changed.response.headers.get('location')).toBe(`/settings?${new URLSearchParams({ 'email-change': 'sent', to: newEmail })}`)
		await expectLinkSentTo(newEmail, since)

		const again = await changeEmail(cookie, freshEmail('again'), code)
		expect(again.response.status).toBe(400)
		expect(codeErrors(again)).toEqual([INVALID_EMAIL_CODE_MESSAGE])
	})

	test('a new code replaces the last; an expired code is refused', async () => {
		const { email, cookie, userId } = await linkOnlyAccount()
		await ageSession(userId, 30)
		const first = await sendCode(cookie, email)
		const second = await sendCode(cookie, email)
		// (Two equal random codes: one run in a million checks nothing here.)
		if (first !== second) expect(codeErrors(await changeEmail(cookie, freshEmail('old'), first))).toEqual([INVALID_EMAIL_CODE_MESSAGE])
		await db.update(verification).set({ expiresAt: new Date(Date.now() - 1000) })
		expect(codeErrors(await changeEmail(cookie, freshEmail('late'), second))).toEqual([INVALID_EMAIL_CODE_MESSAGE])
	})

	test('sending is throttled (3 codes an hour), and so are wrong codes (5 in 15 minutes, then a wait even for the right one)', async () => {
		const { email, cookie, userId } = await linkOnlyAccount()
		await ageSession(userId, 30)
		await sendCode(cookie, email)
		await sendCode(cookie, email)
		const code = await sendCode(cookie, email)
		const fourth = await settingsPost(cookie, { intent: 'email-change-code' })
		expect(fourth.response.status).toBe(429)
		expect(Number(fourth.response.headers.get('retry-after'))).toBeGreaterThan(0)
		expect(fourth.data.intent).toBe('email-change-code')
		expect(fourth.data.result.error['']).toEqual([expect.stringMatching(/^Too many attempts\. Try again in \d+ minutes?\.$/)])

		const wrongCode = code === '999999' ? '999998' : '999999'
		for (let attempt = 1; attempt <= 5; attempt++) {
			const wrong = await changeEmail(cookie, freshEmail('guess'), wrongCode)
			expect(wrong.response.status).toBe(400)
		}
		const waits = await changeEmail(cookie, freshEmail('right'), code)
		expect(waits.response.status).toBe(429)
		expect(waits.data.result.error['']).toEqual([expect.stringMatching(/^Too many attempts/)])
	})

	test('an account with a password still gives its password: no code instead, no code sent', async () => {
		const { email, cookie } = await signUp({ email: freshEmail('haspassword'), name: 'Has Password', ip: freshIp() })
		expect((await settings(cookie)).emailChangeProof).toBe('password')
		const withCode = await changeEmail(cookie, freshEmail('other'), '123456')
		expect(withCode.response.status).toBe(400)
		expect(withCode.data.result.error.currentPassword).toEqual(['Enter your current password'])
		const send = await settingsPost(cookie, { intent: 'email-change-code' })
		expect(send.response.status).toBe(400)
		await flushMail()
		expect(smtp.countTo(email)).toBe(0)
	})
})
