import { describe, expect, test } from 'vitest'
import { hasControlCharacters } from './text-safety.ts'

describe('hasControlCharacters', () => {
	test('bidi embeddings, overrides and isolates, other format and control characters', () => {
		for (const code of [
			0x0000, 0x0007, 0x0009, 0x000a, 0x000d, 0x001b, 0x007f, 0x0085, 0x009b, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067,
			0x2068, 0x2069, 0x2028, 0x2029, 0x2060, 0x206a, 0xfeff, 0xfff9, 0xe0001, 0xe0041,
		]) {
			const value = `a${String.fromCodePoint(code)}b`
			expect(hasControlCharacters(value), code.toString(16)).toBe(true)
		}
		expect(hasControlCharacters('a\uD800b'), 'lone surrogate').toBe(true)
		expect(hasControlCharacters('a\uDC00'), 'lone low surrogate').toBe(true)
	})

	test('multi-line text may have tabs and line breaks, nothing else', () => {
		expect(hasControlCharacters('one\r\ntwo\n\tthree', { multiline: true })).toBe(false)
		expect(hasControlCharacters('one\u000btwo', { multiline: true })).toBe(true)
		expect(hasControlCharacters('one\u202etwo', { multiline: true })).toBe(true)
		expect(hasControlCharacters('one\u2029two', { multiline: true })).toBe(true)
	})

	test('ordinary text of every script, emoji and the marks writing needs', () => {
		for (const value of [
			'Buy milk',
			'Crème brûlée für 4 Personen',
			'שלום עולם',
			'\u05E9\u05DC\u05D5\u05DD (2)\u200F',
			'\u0645\u06CC\u200C\u062E\u0648\u0627\u0645',
			'\u0E44\u0E1B\u200B\u0E15\u0E25\u0E32\u0E14',
			'co\u00ADoperate',
			'\u{1F468}\u200D\u{1F469}\u200D\u{1F467} \u{1F44D}\u{1F3FD}',
			'\u{1F3F4}\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}',
			'\u0600\u0661\u0662',
			'',
		]) {
			expect(hasControlCharacters(value), JSON.stringify(value)).toBe(false)
		}
	})

	test('tag characters outside a flag emoji are refused', () => {
		expect(hasControlCharacters('hi\u{E0068}\u{E0069}')).toBe(true)
		expect(hasControlCharacters('\u{1F3F4}\u{E0067}\u{E0062}')).toBe(true)
	})
})
