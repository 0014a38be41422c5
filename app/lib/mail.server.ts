/**
 * Outgoing mail. Two modes, chosen once from the environment:
 * - SMTP_URL set: real SMTP through nodemailer (the de-facto Node mail
 *   library), From = MAIL_FROM.
 * - SMTP_URL unset on a local machine (loopback BETTER_AUTH_URL): the local
 *   outbox. Each message is written as a JSON file under DATA_DIR/outbox and
 *   a developer reads it at /dev/outbox. As a local convenience the log
 *   line carries the message's link too (only in this mode: a deployed app
 *   has SMTP and never logs a link, which is a credential).
 * Deployed without SMTP_URL is refused at start-up (env.server.ts), so the
 * outbox can never exist in a deployed app.
 */
import { randomUUID } from 'node:crypto'
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import nodemailer, { type Transporter } from 'nodemailer'
import { getEnv, type AppEnv } from './env.server.ts'
import { logger } from './logger.server.ts'
import { safeRedirect } from './http/redirect.ts'

export type MailMessage = {
	to: string
	subject: string
	text: string
	html?: string
	/** A sign-in credential (sign-in link, email-change link): its link is never logged, not even by the local outbox. */
	secretLink?: boolean
}

export type OutboxMessage = MailMessage & { id: string; from: string; sentAt: string }

/** The local outbox is on only on this machine and only without SMTP. */
export function isOutboxEnabled(env: AppEnv = getEnv()): boolean {
	return !env.isDeployed && !env.SMTP_URL
}

function outboxDir(env: AppEnv = getEnv()) {
	return path.resolve(env.DATA_DIR, 'outbox')
}

let transporter: { url: string; transport: Transporter } | undefined
function smtpTransport(url: string): Transporter {
	if (transporter?.url !== url) {
		transporter = {
			url,
			transport: nodemailer.createTransport({
				url,
				// Keep a stalled mail server from holding requests for minutes.
				connectionTimeout: 10_000,
				greetingTimeout: 10_000,
				socketTimeout: 20_000,
			}),
		}
	}
	return transporter.transport
}

/**
 * A link fit for the log line: never one carrying a token (a reset or a
 * confirmation link is a credential: confirming a listed address even makes
 * an admin, ADMIN_EMAILS). Those are read from /dev/outbox.
 */
function loggableLink(link: string | null): string | undefined {
	if (!link || !URL.canParse(link)) return undefined
	return new URL(link).searchParams.has('token') ? undefined : link
}

export async function sendMail({ secretLink, ...message }: MailMessage): Promise<void> {
	const env = getEnv()
	if (env.SMTP_URL) {
		await smtpTransport(env.SMTP_URL).sendMail({ from: env.MAIL_FROM, ...message })
		logger.info({ event: 'mail-sent', subject: message.subject }, 'mail sent')
		return
	}
	if (!isOutboxEnabled(env)) throw new Error('No mail transport: set SMTP_URL')
	const dir = outboxDir(env)
	await mkdir(dir, { recursive: true, mode: 0o700 })
	const id = `${outboxStamp().toString().padStart(19, '0')}-${randomUUID()}`
	const stored: OutboxMessage = { id, from: env.MAIL_FROM, sentAt: new Date().toISOString(), ...message }
	await writeFile(path.join(dir, `${id}.json`), JSON.stringify(stored, null, 2), { mode: 0o600 })
	logger.info(
		{
			event: 'mail-outbox',
			to: message.to,
			subject: message.subject,
			link: secretLink ? undefined : loggableLink(firstLink(message.text)),
			outbox: `${env.BETTER_AUTH_URL}/dev/outbox`,
		},
		`SMTP_URL is not set: mail kept in the local outbox (${env.BETTER_AUTH_URL}/dev/outbox)`,
	)
}

/**
 * Sends without making the caller wait for the mail server, so a request
 * takes the same time whether or not a message goes out (no account
 * enumeration by timing). Failures are logged, never thrown.
 */
export function sendMailInBackground(message: MailMessage): Promise<void> {
	const pending = sendMail(message).catch((error: unknown) => {
		logger.error({ err: error, subject: message.subject }, 'could not send mail')
	})
	backgroundMail.add(pending)
	void pending.finally(() => backgroundMail.delete(pending))
	return pending
}

const backgroundMail = new Set<Promise<void>>()
/** Waits for mail still being sent (tests, graceful shutdown). */
export async function flushMail(): Promise<void> {
	await Promise.all([...backgroundMail])
}

let lastOutboxStamp = 0n
/**
 * Microseconds since the epoch, strictly increasing within this process, so
 * two messages sent in the same millisecond still list in the order sent
 * (file names sort by it).
 */
function outboxStamp(): bigint {
	const now = BigInt(Math.floor((performance.timeOrigin + performance.now()) * 1000))
	lastOutboxStamp = now > lastOutboxStamp ? now : lastOutboxStamp + 1n
	return lastOutboxStamp
}

/** Newest first. Empty when the outbox is off. */
export async function listOutbox(limit = 50): Promise<OutboxMessage[]> {
	if (!isOutboxEnabled()) return []
	let files: string[]
	try {
		files = (await readdir(outboxDir())).filter((file) => file.endsWith('.json'))
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
		throw error
	}
	files.sort().reverse()
	const messages = await Promise.all(
		files.slice(0, limit).map(async (file) => JSON.parse(await readFile(path.join(outboxDir(), file), 'utf8')) as OutboxMessage),
	)
	return messages
}

function escapeHtml(value: string) {
	return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

function linkMessage(to: string, subject: string, intro: string, action: string, url: string, outro: string): MailMessage {
	return {
		to,
		subject,
		text: `${intro}\n\n${action}:\n${url}\n\n${outro}\n`,
		html: `<p>${escapeHtml(intro)}</p><p><a href="${escapeHtml(url)}">${escapeHtml(action)}</a></p><p>${escapeHtml(url)}</p><p>${escapeHtml(outro)}</p>`,
	}
}

export function passwordResetMessage(to: string, token: string): MailMessage {
	const url = `${getEnv().BETTER_AUTH_URL}/reset-password?token=${encodeURIComponent(token)}`
	return linkMessage(
		to,
		'Reset your Taskwell password',
		'Someone (hopefully you) asked to reset the password of your Taskwell account.',
		'Reset your password',
		url,
		'The link works once and expires in one hour. If you did not ask for it, ignore this message: your password stays as it is.',
	)
}

/** `redirectTo`: where the user goes once confirmed and signed in (a same-site path; "/" or none: the default). */
export function verificationMessage(to: string, token: string, redirectTo?: string | null): MailMessage {
	const next =
		redirectTo && redirectTo !== '/' && safeRedirect(redirectTo, '') ? `&redirectTo=${encodeURIComponent(safeRedirect(redirectTo))}` : ''
	const url = `${getEnv().BETTER_AUTH_URL}/verify-email?token=${encodeURIComponent(token)}${next}`
	return linkMessage(
		to,
		'Confirm your email for Taskwell',
		'Welcome to Taskwell. Confirm that this is your email address to start using your account.',
		'Confirm your email',
		url,
		'The link expires in 24 hours. If you did not create an account, ignore this message.',
	)
}

/**
 * To the owner of an address someone tried to sign up with (email
 * verification on): the sign-up page answered "check your email" as for a
 * new address, so the owner, and only the owner, learns the address is taken.
 */
export function existingAccountSignUpMessage(to: string): MailMessage {
	const base = getEnv().BETTER_AUTH_URL
	return linkMessage(
		to,
		'Someone tried to sign up for Taskwell with your email',
		'Someone tried to create a Taskwell account with this email address, but it already has one. If it was you, sign in instead; if you forgot your password, reset it from the sign-in page.',
		'Reset your password',
		`${base}/forgot-password`,
		`Or sign in at ${base}/login. If it was not you, ignore this message: nothing has changed in your account.`,
	)
}

/** The emailed sign-in link: an app page with a "Sign in" button (a GET uses nothing up). */
export function magicLinkMessage(to: string, token: string): MailMessage {
	const url = `${getEnv().BETTER_AUTH_URL}/login/link?token=${encodeURIComponent(token)}`
	return {
		...linkMessage(
			to,
			'Your Taskwell sign-in link',
			'Someone (hopefully you) asked for a link to sign in to Taskwell with this email address.',
			'Sign in to Taskwell',
			url,
			'The link works once and expires in 10 minutes. If you did not ask for it, ignore this message: nobody can sign in without it.',
		),
		secretLink: true,
	}
}

/** To the new address of an email change: the change happens only when this link is confirmed. */
export function emailChangeVerificationMessage(to: string, token: string): MailMessage {
	const url = `${getEnv().BETTER_AUTH_URL}/change-email?token=${encodeURIComponent(token)}`
	return {
		...linkMessage(
			to,
			'Confirm your new email for Taskwell',
			'Someone (hopefully you) asked to use this address for their Taskwell account.',
			'Confirm your new email',
			url,
			'The link expires in 24 hours. Until it is confirmed, the account keeps its current address. If you did not ask for this, ignore this message.',
		),
		secretLink: true,
	}
}

/** To the current address of an email change: a notice, no link that changes anything. */
export function emailChangeNoticeMessage(to: string, newEmail: string): MailMessage {
	const base = getEnv().BETTER_AUTH_URL
	return linkMessage(
		to,
		'Your Taskwell email is being changed',
		`Someone signed in to your Taskwell account asked to change its email address to ${newEmail}. The change happens only once that address confirms it.`,
		'Review your account',
		`${base}/settings`,
		'If this was not you, sign in, change your password and sign out your other sessions in Settings.',
	)
}

/**
 * To the current address of an account without a password that asked to
 * change its email: the code that proves the owner asked. A credential, so
 * nothing of it is ever logged.
 */
export function emailChangeCodeMessage(to: string, code: string): MailMessage {
	const base = getEnv().BETTER_AUTH_URL
	const intro =
		'Someone signed in to your Taskwell account asked to change its email address. To confirm it is you, enter this code in Settings:'
	const outro = `The code works once and expires in 10 minutes. If this was not you, give it to no one: your email stays as it is. Your account: ${base}/settings`
	return {
		to,
		subject: 'Your Taskwell code to change your email',
		text: `${intro}\n\n${code}\n\n${outro}\n`,
		html: `<p>${escapeHtml(intro)}</p><p><strong>${escapeHtml(code)}</strong></p><p>${escapeHtml(outro)}</p>`,
		secretLink: true,
	}
}

/**
 * To an invited address: who invited them to which workspace, and the link
 * to the invitation's page (which changes nothing until "Accept invitation"
 * or "Decline" is pressed there, by an account with this verified address).
 */
export function invitationMessage(
	to: string,
	{ invitationId, workspaceName, inviterName, role }: { invitationId: string; workspaceName: string; inviterName: string; role: string },
): MailMessage {
	const url = `${getEnv().BETTER_AUTH_URL}/invitations/${encodeURIComponent(invitationId)}`
	return linkMessage(
		to,
		`You're invited to ${workspaceName} on Taskwell`,
		`${inviterName} invited you to the workspace ${workspaceName} on Taskwell, as ${role}.`,
		'Open the invitation',
		url,
		'The invitation works once and expires in 7 days. Sign in (or create an account) with this email address to accept it. If you did not expect it, ignore this message.',
	)
}

/** The first http(s) link in a message's text (tests and the outbox page). */
export function firstLink(text: string): string | null {
	return /https?:\/\/\S+/.exec(text)?.[0] ?? null
}
