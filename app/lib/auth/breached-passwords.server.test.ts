import { randomBytes } from 'node:crypto'
import { describe, expect, test } from 'vitest'
import {
	BREACHED_PASSWORD_COUNT,
	BREACHED_PASSWORD_MESSAGE,
	isBreachedPassword,
	loadBreachedPasswords,
} from './breached-passwords.server.ts'
import { guessableReason, weakPasswordReason } from './password-strength.server.ts'

// On the list (ranks ~20,000 to 100,000) and scored 3 or more by zxcvbn
// with its common and English dictionaries: 360 of the list's 39,330
// passwords of at least 8 characters were accepted before the list was used.
const BREACHED_BUT_SCORED_STRONG = ['gunsnroses', 'mishaoooyeah', 'apocalipsis', 'xxPa33bq.aDNA']

describe('breached passwords', () => {
	test('the list is the top 100,000, looked up exactly as typed', () => {
		const list = loadBreachedPasswords()
		expect(list.size).toBe(BREACHED_PASSWORD_COUNT)
		for (const common of ['123456', 'password', 'qwertyuiop', 'password123', 'iloveyou']) expect(isBreachedPassword(common)).toBe(true)
		// Case-sensitive like the list, which has both of these.
		expect(isBreachedPassword('Password')).toBe(true)
		expect(isBreachedPassword('PASSWORD123')).toBe(false)
		// Ranks 100,001 and later of the package's million are not in.
		const longer = loadBreachedPasswords(BREACHED_PASSWORD_COUNT + 10)
		const beyond = [...longer].filter((password) => !list.has(password))
		expect(beyond.length).toBeGreaterThan(0)
		for (const password of beyond) expect(isBreachedPassword(password)).toBe(false)
	})

	test('a breached password is refused even where zxcvbn scores it strong; a random one is accepted', () => {
		for (const password of BREACHED_BUT_SCORED_STRONG) {
			expect(isBreachedPassword(password)).toBe(true)
			expect(guessableReason(password, 'ada@example.com')).toBeNull()
			expect(weakPasswordReason(password, 'ada@example.com')).toBe(BREACHED_PASSWORD_MESSAGE)
		}
		const random = randomBytes(18).toString('base64url')
		expect(isBreachedPassword(random)).toBe(false)
		expect(weakPasswordReason(random, 'ada@example.com')).toBeNull()
		expect(weakPasswordReason('lantern orbit quietly fern', 'ada@example.com')).toBeNull()
	})

	test('load time and lookup cost (printed, not asserted)', () => {
		const loadStarted = performance.now()
		const list = loadBreachedPasswords()
		const loadMs = performance.now() - loadStarted
		console.log(`breached passwords: ${list.size} loaded in ${loadMs.toFixed(1)} ms`)

		const probes = [...[...list].slice(-1000), ...Array.from({ length: 1000 }, () => randomBytes(12).toString('base64url'))]
		const rounds = 200
		let found = 0
		const started = performance.now()
		for (let round = 0; round < rounds; round++) for (const probe of probes) if (isBreachedPassword(probe)) found++
		const perLookupNs = ((performance.now() - started) * 1e6) / (rounds * probes.length)
		console.log(`breached passwords: ${perLookupNs.toFixed(0)} ns per lookup (half found, half not)`)
		expect(found).toBe(rounds * 1000)
	})
})
