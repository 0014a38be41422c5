/**
 * The local outbox (no SMTP_URL, loopback BETTER_AUTH_URL) and the mail
 * settings in the environment. Delivery over real SMTP is covered in
 * tests/integration/account.test.ts.
 */
import { readdir } from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, test, vi } from 'vitest'
import { logger } from './logger.server.ts'
import { readAppEnv, startupWarnings } from './env.server.ts'
import {
	existingAccountSignUpMessage,
	firstLink,
	isOutboxEnabled,
	listOutbox,
	passwordResetMessage,
	sendMail,
	verificationMessage,
} from './mail.server.ts'

describe('local outbox', () => {
	test('is on locally without SMTP, off with SMTP, and impossible when deployed', () => {
		expect(isOutboxEnabled(readAppEnv({}))).toBe(true)
		expect(isOutboxEnabled(readAppEnv({ SMTP_URL: 'smtp://127.0.0.1:2525' }))).toBe(false)
		expect(() => readAppEnv({ BETTER_AUTH_URL: 'https://tasks.example.com', BETTER_AUTH_SECRET: 's'.repeat(32) })).toThrowError(
			/SMTP_URL: is required when BETTER_AUTH_URL/,
		)
	})

	test('keeps messages as files under DATA_DIR/outbox, newest first, with their links', async () => {
		delete process.env.SMTP_URL
		await sendMail(passwordResetMessage('first@example.com', 'tok1'))
		await sendMail(verificationMessage('second@example.com', 'tok2'))
		const files = await readdir(path.resolve(process.env.DATA_DIR!, 'outbox'))
		expect(files).toHaveLength(2)
		const [newest, oldest] = await listOutbox()
		expect(newest?.to).toBe('second@example.com')
		expect(firstLink(newest!.text)).toBe('http://localhost:3000/verify-email?token=tok2')
		expect(oldest?.subject).toBe('Reset your Taskwell password')
		expect(firstLink(oldest!.text)).toBe('http://localhost:3000/reset-password?token=tok1')
		expect(oldest?.html).toContain('href="http://localhost:3000/reset-password?token=tok1"')
	})

	test('the log line points at the outbox and never holds a link with a token (reset and confirmation links are credentials)', async () => {
		delete process.env.SMTP_URL
		const info = vi.spyOn(logger, 'info')
		try {
			await sendMail(passwordResetMessage('reset@example.com', 'secret-reset-token'))
			await sendMail(verificationMessage('verify@example.com', 'secret-verify-token'))
			await sendMail(existingAccountSignUpMessage('taken@example.com'))
			const lines = info.mock.calls.map(([fields]) => fields as Record<string, unknown>).filter((fields) => fields.event === 'mail-outbox')
			expect(lines).toHaveLength(3)
			expect(JSON.stringify(lines)).not.toMatch(/secret-(reset|verify)-token/)
			expect(lines[0]).toMatchObject({ outbox: 'http://localhost:3000/dev/outbox', link: undefined })
			expect(lines[2]!.link).toMatch(/^http:\/\/localhost:3000\//)
		} finally {
			info.mockRestore()
		}
	})

	test('messages sent within the same millisecond still list in the order sent', async () => {
		delete process.env.SMTP_URL
		const before = (await listOutbox(1000)).length
		const sent = Array.from({ length: 30 }, (_, i) => `burst${i}@example.com`)
		for (const to of sent) await sendMail(verificationMessage(to, 'tok'))
		const listed = (await listOutbox(1000)).slice(0, sent.length).map((message) => message.to)
		expect(listed).toEqual([...sent].reverse())
		expect(await listOutbox(1000)).toHaveLength(before + sent.length)
	})
})

describe('mail settings', () => {
	test('MAIL_FROM defaults to no-reply at the app host; SMTP_URL must be smtp(s)', () => {
		expect(readAppEnv({}).MAIL_FROM).toBe('Taskwell <no-reply@localhost>')
		expect(readAppEnv({ MAIL_FROM: 'Tasks <t@example.com>' }).MAIL_FROM).toBe('Tasks <t@example.com>')
		expect(() => readAppEnv({ SMTP_URL: 'http://mail.example.com' })).toThrowError(/SMTP_URL: must be an smtp/)
	})

	test('REQUIRE_EMAIL_VERIFICATION is off by default on a loopback URL, on by default when deployed', () => {
		const deployed = {
			BETTER_AUTH_URL: 'https://tasks.example.com',
			BETTER_AUTH_SECRET: 's'.repeat(32),
			SMTP_URL: 'smtps://mailer:pw@smtp.example.com:465',
		}
		expect(readAppEnv({}).REQUIRE_EMAIL_VERIFICATION).toBe(false)
		expect(readAppEnv({ BETTER_AUTH_URL: 'http://127.0.0.1:8080' }).REQUIRE_EMAIL_VERIFICATION).toBe(false)
		expect(readAppEnv({ REQUIRE_EMAIL_VERIFICATION: 'true' }).REQUIRE_EMAIL_VERIFICATION).toBe(true)
		expect(readAppEnv(deployed).REQUIRE_EMAIL_VERIFICATION).toBe(true)
		expect(readAppEnv({ ...deployed, REQUIRE_EMAIL_VERIFICATION: '' }).REQUIRE_EMAIL_VERIFICATION).toBe(true)
		expect(readAppEnv({ ...deployed, REQUIRE_EMAIL_VERIFICATION: 'false' }).REQUIRE_EMAIL_VERIFICATION).toBe(false)
		expect(() => readAppEnv({ REQUIRE_EMAIL_VERIFICATION: 'sometimes' })).toThrowError(/REQUIRE_EMAIL_VERIFICATION/)
	})

	test('turning verification off when deployed is one start-up warning that names the trade-off; nothing to warn about otherwise', () => {
		const deployed = {
			BETTER_AUTH_URL: 'https://tasks.example.com',
			BETTER_AUTH_SECRET: 's'.repeat(32),
			SMTP_URL: 'smtps://mailer:pw@smtp.example.com:465',
		}
		const warnings = startupWarnings(readAppEnv({ ...deployed, REQUIRE_EMAIL_VERIFICATION: 'false' }))
		expect(warnings).toHaveLength(1)
		expect(warnings[0]).toMatch(/REQUIRE_EMAIL_VERIFICATION=false/)
		expect(warnings[0]).toMatch(/whether an address already has an account/)
		expect(startupWarnings(readAppEnv(deployed))).toEqual([])
		expect(startupWarnings(readAppEnv({ REQUIRE_EMAIL_VERIFICATION: 'false' }))).toEqual([])
	})

	test('BETTER_AUTH_SECRETS: versioned, newest first, each at least 32 characters, never echoed', () => {
		const secret = 'x'.repeat(40)
		expect(
			readAppEnv({
				BETTER_AUTH_URL: 'https://tasks.example.com',
				BETTER_AUTH_SECRETS: `2:${secret},1:${'y'.repeat(32)}`,
				SMTP_URL: 'smtp://mail.example.com',
			}).isDeployed,
		).toBe(true)
		let error: unknown
		try {
			readAppEnv({ BETTER_AUTH_SECRETS: 'just-a-short-secret' })
		} catch (caught) {
			error = caught
		}
		expect((error as Error).message).toContain('BETTER_AUTH_SECRETS:')
		expect((error as Error).message).not.toContain('just-a-short-secret')
	})
})
