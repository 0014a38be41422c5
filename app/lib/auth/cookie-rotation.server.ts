/**
 * Keeps sessions alive across a rotation of BETTER_AUTH_SECRET.
 *
 * Better Auth signs its cookies (HMAC-SHA256, "<value>.<base64 signature>")
 * with the current secret only, so after a rotation every browser's cookie
 * would fail to verify and everyone would be signed out. With versioned
 * secrets (BETTER_AUTH_SECRETS="2:new,1:old", and BETTER_AUTH_SECRET kept as
 * the legacy secret), the Node server re-signs, for this request only, an
 * auth cookie that verifies with an older secret. The session itself is
 * unchanged (the row in the database is the credential); Better Auth then
 * sends the browser a cookie signed with the new secret on its next refresh.
 * Once the longest session has run out (7 days) the old secrets can go.
 *
 * No database or auth imports: app-server.ts bundles this file.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'
import type { AppEnv } from '#app/lib/env.server.ts'

const SIGNED_COOKIE = /^(?:__Host-|__Secure-)?taskwell\.(?:session_token|dont_remember)$/

/** Better Auth's (better-call's) cookie signature of `value`: base64 HMAC-SHA256 with the secret. */
export function cookieSignature(value: string, secret: string): string {
	return createHmac('sha256', secret).update(value).digest('base64')
}

function sameSignature(a: string, b: string): boolean {
	const left = Buffer.from(a)
	const right = Buffer.from(b)
	return left.length === right.length && timingSafeEqual(left, right)
}

/** The signing secret now in use and the older ones still accepted. */
export function cookieSecrets(env: Pick<AppEnv, 'BETTER_AUTH_SECRETS' | 'BETTER_AUTH_SECRET'>) {
	if (!env.BETTER_AUTH_SECRETS) return null
	const versioned = env.BETTER_AUTH_SECRETS.split(',').map((entry) =>
		entry
			.trim()
			.slice(entry.trim().indexOf(':') + 1)
			.trim(),
	)
	const [current, ...older] = versioned
	if (!current) return null
	const previous = [...older, ...(env.BETTER_AUTH_SECRET ? [env.BETTER_AUTH_SECRET] : [])].filter((secret) => secret !== current)
	return previous.length > 0 ? { current, previous } : null
}

/**
 * The Cookie header with auth cookies signed by a previous secret re-signed
 * with the current one; null when nothing needed it.
 */
export function resignAuthCookies(cookieHeader: string | undefined, current: string, previous: string[]): string | null {
	if (!cookieHeader) return null
	let changed = false
	const parts = cookieHeader.split(';').map((part) => {
		const eq = part.indexOf('=')
		if (eq < 0) return part
		const name = part.slice(0, eq).trim()
		if (!SIGNED_COOKIE.test(name)) return part
		let raw: string
		try {
			raw = decodeURIComponent(part.slice(eq + 1).trim())
		} catch {
			return part
		}
		const dot = raw.lastIndexOf('.')
		if (dot < 1) return part
		const value = raw.slice(0, dot)
		const signature = raw.slice(dot + 1)
		if (sameSignature(signature, cookieSignature(value, current))) return part
		if (!previous.some((secret) => sameSignature(signature, cookieSignature(value, secret)))) return part
		changed = true
		return ` ${name}=${encodeURIComponent(`${value}.${cookieSignature(value, current)}`)}`
	})
	return changed ? parts.join(';').trim() : null
}
