import { Writable } from 'node:stream'
import { PGlite } from '@electric-sql/pglite'
import { sql } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/pglite'
import { afterAll, describe, expect, test } from 'vitest'
import { createLogger } from './logger.ts'

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
