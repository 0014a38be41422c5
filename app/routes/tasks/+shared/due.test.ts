import { describe, expect, test } from 'vitest'
import { dueOf, localeOf, todayIn } from './due.ts'

describe('todayIn', () => {
	test('is the day in the time zone, and moves on at its midnight, not at a minute it has already seen', () => {
		// 10:59:30 UTC is 23:59:30 in Auckland (UTC+13 in January), 30 s later it is the next day there.
		expect(todayIn('Pacific/Auckland', new Date('2026-01-01T10:59:30Z'))).toBe('2026-01-01')
		expect(todayIn('Pacific/Auckland', new Date('2026-01-01T10:59:59Z'))).toBe('2026-01-01')
		expect(todayIn('Pacific/Auckland', new Date('2026-01-01T11:00:00Z'))).toBe('2026-01-02')
		// The same instant in another time zone is its own answer.
		expect(todayIn('UTC', new Date('2026-01-01T11:00:00Z'))).toBe('2026-01-01')
		expect(todayIn('America/Los_Angeles', new Date('2026-01-01T11:00:00Z'))).toBe('2026-01-01')
		// Going back in time (a test clock, or another request's `now`) is answered too.
		expect(todayIn('Pacific/Auckland', new Date('2026-01-01T10:00:00Z'))).toBe('2026-01-01')
	})
})

describe('dueOf', () => {
	test('labels a later date in the locale it is asked for, each locale its own', () => {
		expect(dueOf('2030-01-15', '2026-01-01', 'en-US')).toEqual({ state: 'later', label: 'Due Jan 15, 2030' })
		expect(dueOf('2030-01-15', '2026-01-01', 'de-DE')).toEqual({ state: 'later', label: 'Due 15.01.2030' })
		expect(dueOf('2030-01-15', '2026-01-01', 'en-US')).toEqual({ state: 'later', label: 'Due Jan 15, 2030' })
	})

	test('counts against the day it is given', () => {
		expect(dueOf('2026-01-01', '2026-01-01', 'en-US')).toEqual({ state: 'today', label: 'Today' })
		expect(dueOf('2026-01-02', '2026-01-01', 'en-US')).toEqual({ state: 'tomorrow', label: 'Tomorrow' })
		expect(dueOf('2025-12-29', '2026-01-01', 'en-US')).toEqual({ state: 'overdue', label: 'Overdue · 3 days' })
	})
})

describe('localeOf', () => {
	test('is the first supported language of Accept-Language, the same on every ask', () => {
		expect(localeOf('de-DE,de;q=0.9,en;q=0.8')).toBe('de-DE')
		expect(localeOf('de-DE,de;q=0.9,en;q=0.8')).toBe('de-DE')
		expect(localeOf('*, fr;q=0.5')).toBe('fr')
		expect(localeOf(null)).toBe('en-US')
		expect(localeOf(`${'x'.repeat(300)}, it`)).toBe('it')
	})
})
