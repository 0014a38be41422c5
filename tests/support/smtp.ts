/**
 * A real SMTP server in the test process (tests/support/smtp-sink.ts):
 * account tests receive mail over SMTP exactly as a deployment would. It
 * closes after the test file.
 */
import { afterAll } from 'vitest'
import { startSmtpSink } from './smtp-sink.ts'

export { linkIn, startSmtpSink, type ReceivedMail } from './smtp-sink.ts'

export async function startSmtpServer() {
	const sink = await startSmtpSink()
	afterAll(sink.close)
	return sink
}
