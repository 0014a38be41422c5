import { Writable } from 'node:stream'
import { PGlite } from '@electric-sql/pglite'
import { sql } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/pglite'
import { afterAll, describe, expect, test } from 'vitest'
import { createLogger, formatPretty, wantsPrettyLogs } from './logger.ts'

const client = new PGlite()
const db = drizzle(client)
afterAll(() => client.close())

function capture() {
	const lines: string[] = []
	const stream = new Writable({
		write(chunk, _encoding, done) {
			lines.push(String(chunk))
			done()
		},
	})
	return { logger: createLogger('test', 'info', stream), text: () => lines.join('') }
}

const SESSION_TOKEN = '3tYRH82wEexAMmli5pm3oSrWHCiMo3VC'

async function failedQuery(): Promise<Error> {
	try {
		// As when the database goes away mid-lookup: the query fails, and
		// drizzle's error carries the session token as a parameter.
		await db.execute(sql`select * from session_that_is_gone where token = ${SESSION_TOKEN}`)
	} catch (error) {
		return error as Error
	}
	throw new Error('the query should have failed')
}

describe('logs never carry query parameters', () => {
	test('a failed query logged as err: message, stack and params scrubbed, query kept', async () => {
		const error = await failedQuery()
		// The premise: drizzle puts the parameter in the message and in params.
		expect(error.message).toContain(SESSION_TOKEN)
		const { logger, text } = capture()
		logger.error({ err: error }, 'session lookup failed')
		expect(text()).not.toContain(SESSION_TOKEN)
		expect(text()).toContain('Failed query: select * from session_that_is_gone')
		expect(text()).toContain('params: [redacted]')
	})

	test('wrapped in another error (as Better Auth does), and logged as a plain message', async () => {
		const cause = await failedQuery()
		const wrapped = new Error(`Failed to get session: ${cause.message}`, { cause })
		const { logger, text } = capture()
		logger.error({ err: wrapped }, 'request failed')
		logger.error(wrapped.message)
		logger.warn({ component: 'better-auth' }, `INTERNAL_SERVER_ERROR ${cause.message}`)
		expect(text()).not.toContain(SESSION_TOKEN)
		expect(text().match(/params: \[redacted\]/g)?.length).toBeGreaterThanOrEqual(3)
	})
})

describe('pretty lines for a person (LOG_FORMAT=pretty, or a terminal)', () => {
	test('a request is one line: time, level, service, method, path, status, duration', () => {
		const line = formatPretty(
			JSON.stringify({
				level: 30,
				time: '2026-11-27T03:21:25.667Z',
				service: 'taskwell-app',
				name: 'taskwell-app',
				requestId: 'abc',
				method: 'GET',
				path: '/tasks',
				status: 200,
				durationMs: 12.4,
				msg: 'request',
			}),
		)
		expect(line).toBe('03:21:25.667 INFO  taskwell-app GET /tasks 200 12 ms requestId=abc\n')
	})

	test('an error keeps its (scrubbed) stack on the following lines, and redaction still applies', async () => {
		const lines: string[] = []
		const logger = createLogger('test', 'info', {
			write: (line: string) => void lines.push(formatPretty(line)),
		})
		logger.error({ err: await failedQuery(), cookie: 'better-auth.session_token=secret' }, 'lookup failed')
		const text = lines.join('')
		expect(text).toMatch(/^\d\d:\d\d:\d\d\.\d{3} ERROR test lookup failed cookie=\[redacted\]\n {4}\S/)
		expect(text).not.toContain(SESSION_TOKEN)
		expect(text).not.toContain('secret')
	})

	test('pretty when LOG_FORMAT=pretty or stdout is a terminal; JSON when LOG_FORMAT=json or piped', () => {
		expect(wantsPrettyLogs({ LOG_FORMAT: 'pretty' }, false)).toBe(true)
		expect(wantsPrettyLogs({}, true)).toBe(true)
		expect(wantsPrettyLogs({ LOG_FORMAT: 'json' }, true)).toBe(false)
		expect(wantsPrettyLogs({}, false)).toBe(false)
	})
})
