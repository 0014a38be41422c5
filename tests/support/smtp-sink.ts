/**
 * A real SMTP server (smtp-server, nodemailer's sibling) that keeps what it
 * receives: the mail sink of the tests. No test-runner imports, so the
 * cluster test (a plain script) uses it too; vitest files use
 * tests/support/smtp.ts, which closes it after the file.
 */
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { SMTPServer } from 'smtp-server'

export type ReceivedMail = { to: string[]; raw: string; text: string }

/** Undo quoted-printable soft line breaks and escapes. */
function decodeQuotedPrintable(raw: string) {
	return raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
}

export async function startSmtpSink() {
	const received: ReceivedMail[] = []
	const listeners = new Set<() => void>()
	const server = new SMTPServer({
		authOptional: true,
		disabledCommands: ['STARTTLS'],
		logger: false,
		onData(stream, session, callback) {
			const chunks: Buffer[] = []
			stream.on('data', (chunk: Buffer) => chunks.push(chunk))
			stream.on('end', () => {
				const raw = Buffer.concat(chunks).toString('utf8')
				received.push({
					to: session.envelope.rcptTo.map((rcpt) => rcpt.address.toLowerCase()),
					raw,
					text: decodeQuotedPrintable(raw),
				})
				for (const listener of listeners) listener()
				callback()
			})
		},
	})
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
	const { port } = (server as unknown as { server: Server }).server.address() as AddressInfo
	const close = () => new Promise<void>((resolve) => server.close(() => resolve()))
	return {
		url: `smtp://127.0.0.1:${port}`,
		received,
		/** The next (or an already received) message to `to`, after `since` messages. */
		waitFor(to: string, { since = 0, timeoutMs = 10_000 } = {}): Promise<ReceivedMail> {
			const find = () => received.slice(since).find((mail) => mail.to.includes(to.toLowerCase()))
			return new Promise((resolve, reject) => {
				const found = find()
				if (found) return resolve(found)
				const timer = setTimeout(() => {
					listeners.delete(check)
					reject(new Error(`no mail to ${to} within ${timeoutMs} ms`))
				}, timeoutMs)
				function check() {
					const mail = find()
					if (!mail) return
					clearTimeout(timer)
					listeners.delete(check)
					resolve(mail)
				}
				listeners.add(check)
			})
		},
		countTo(to: string) {
			return received.filter((mail) => mail.to.includes(to.toLowerCase())).length
		},
		close,
	}
}

/** The first link to `path` in a message. */
export function linkIn(mail: ReceivedMail, path: string): string {
	const match = new RegExp(`https?://[^\\s"<>]+${path.replace(/[?]/g, '\\?')}[^\\s"<>]*`).exec(mail.text)
	if (!match) throw new Error(`no ${path} link in the message`)
	return match[0]
}
