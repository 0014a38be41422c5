/**
 * Backup codes of two-factor authentication, stored hashed.
 *
 * Better Auth's two-factor plugin keeps the list of backup codes in
 * two_factor.backup_codes, by default *encrypted* with BETTER_AUTH_SECRET
 * (anyone with the secret and a dump reads them back). Taskwell gives the
 * plugin its own `storeBackupCodes` encoder instead: every code becomes
 * `s256$<salt>$<sha256(salt:code)>` with its own random salt, so the
 * column holds no code at all. Better Auth checks a code by looking for it
 * in the stored list; the app therefore finds the stored entry that matches
 * the typed code (matchBackupCode) and hands Better Auth that entry, which
 * it then removes from the list with a compare-and-set (used once).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { generateRandomString } from 'better-auth/crypto'

export const BACKUP_CODE_COUNT = 10
const PREFIX = 's256$'

/** Ten codes like "a1B2c-3D4e5" (62 symbols × 10 ≈ 59 bits each), Better Auth's format. */
export function newBackupCodes(): string[] {
	return Array.from({ length: BACKUP_CODE_COUNT }, () => {
		const code = generateRandomString(10, 'a-z', '0-9', 'A-Z')
		return `${code.slice(0, 5)}-${code.slice(5)}`
	})
}

function digest(salt: string, code: string): string {
	return createHash('sha256').update(`${salt}:${code}`).digest('base64url')
}

function hashCode(code: string): string {
	const salt = randomBytes(16).toString('base64url')
	return `${PREFIX}${salt}$${digest(salt, code)}`
}

function parseList(stored: string): string[] {
	try {
		const list: unknown = JSON.parse(stored)
		return Array.isArray(list) ? list.filter((entry): entry is string => typeof entry === 'string') : []
	} catch {
		return []
	}
}

/**
 * The plugin's `storeBackupCodes.encrypt`: a JSON list of codes (new ones in
 * clear, or what is left of a stored list after one was used) → the JSON
 * list of their hashes. Entries already hashed are kept as they are.
 */
export async function hashBackupCodeList(json: string): Promise<string> {
	return JSON.stringify(parseList(json).map((entry) => (entry.startsWith(PREFIX) ? entry : hashCode(entry))))
}

/** The plugin's `storeBackupCodes.decrypt`: the stored list is already what it compares. */
export async function storedBackupCodeList(stored: string): Promise<string> {
	return stored
}

/** The stored entry the typed code matches, or null. */
export function matchBackupCode(stored: string, typed: string): string | null {
	const code = typed.trim()
	if (!code || code.length > 64) return null
	let found: string | null = null
	for (const entry of parseList(stored)) {
		const [, salt, hash] = entry.split('$')
		if (!salt || !hash) continue
		const expected = Buffer.from(hash)
		const actual = Buffer.from(digest(salt, code))
		if (expected.length === actual.length && timingSafeEqual(expected, actual)) found = entry
	}
	return found
}

/** A TOTP code, hashed, as the key of the "already used" marker (no code in the database). */
export function usedCodeKey(userId: string, code: string): string {
	return `${userId}:${createHash('sha256').update(code).digest('base64url')}`
}
