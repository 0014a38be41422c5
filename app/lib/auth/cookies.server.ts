/**
 * The names of Better Auth's cookies, and the move of a browser that still
 * holds a session cookie under its old name.
 *
 * Deployed over https every auth cookie is `__Host-taskwell.*`: the browser
 * stores a `__Host-` cookie only when it is Secure, has Path=/ and no Domain,
 * so a sibling subdomain (evil.example.com next to tasks.example.com) cannot
 * set one: it cannot plant a session of its choosing in a user's browser.
 * (Before, the name was `__Secure-taskwell.*`, which a sibling can set with
 * Domain=example.com.) On http (a loopback URL, `npm run dev`) the names stay
 * `taskwell.*`: a browser refuses both prefixes there.
 *
 * Sessions made before the rename keep working: the session row of each
 * carries `legacy_cookie_until` (set by migration 0003 for a week, the
 * longest a session lives unused), and until then the old name is read as the
 * new one and the browser is given the new one (session.server.ts). An
 * old-name cookie whose session has no such mark, i.e. every session made
 * since, is not a session: that is exactly what a sibling would plant.
 *
 * No database or auth imports: app-server.ts bundles this file.
 */

const APP_PREFIX = 'taskwell'
/** The https names before the rename (Better Auth's __Secure- prefix). */
const LEGACY_PREFIX = `__Secure-${APP_PREFIX}.`
/** The cookies that are carried over: the session and its "not remembered" mark. */
const CARRIED_OVER = ['session_token', 'dont_remember'] as const

/** Better Auth's cookie prefix (its `advanced.cookiePrefix`). */
export function authCookiePrefix(https: boolean): string {
	return https ? `__Host-${APP_PREFIX}` : APP_PREFIX
}

/** Any name the session cookie has had (for recognising it, never for reading it). */
export const SESSION_COOKIE_NAME = /^(?:__Host-|__Secure-)?taskwell\.session_token$/

/** The session token a Set-Cookie line starts, '' when it clears the cookie, null when it is another cookie. */
export function sessionTokenSetBy(setCookie: string): string | null {
	const eq = setCookie.indexOf('=')
	if (eq < 0 || !SESSION_COOKIE_NAME.test(setCookie.slice(0, eq).trim())) return null
	const raw = setCookie
		.slice(eq + 1)
		.split(';')[0]!
		.trim()
	let value: string
	try {
		value = decodeURIComponent(raw)
	} catch {
		return ''
	}
	// Signed: "<token>.<signature>".
	const dot = value.lastIndexOf('.')
	return dot > 0 ? value.slice(0, dot) : value
}

/** Whether a Set-Cookie line starts a two-factor challenge (Better Auth's two_factor cookie, after the right password). */
export function startsTwoFactorChallenge(setCookie: string): boolean {
	return /^(?:__Host-)?taskwell\.two_factor=[^;\s]/.test(setCookie)
}

type CookiePair = { name: string; raw: string }

function cookiePairs(header: string): CookiePair[] {
	return header
		.split(';')
		.map((part) => {
			const eq = part.indexOf('=')
			return eq < 0 ? null : { name: part.slice(0, eq).trim(), raw: part.slice(eq + 1).trim() }
		})
		.filter((pair): pair is CookiePair => pair !== null && pair.name !== '')
}

/**
 * A browser's cookies under their old https names, when it sends the old
 * session cookie and no new one (else null): `header` is the Cookie header
 * with the old names read as the new ones, for the session lookup to verify.
 */
export type LegacyAuthCookies = {
	header: string
	/** The raw values, by cookie (session_token, and dont_remember when present). */
	values: Partial<Record<(typeof CARRIED_OVER)[number], string>>
}

export function legacyAuthCookies(cookieHeader: string | null, https: boolean): LegacyAuthCookies | null {
	if (!https || !cookieHeader) return null
	const prefix = `${authCookiePrefix(true)}.`
	const pairs = cookiePairs(cookieHeader)
	const names = new Set(pairs.map((pair) => pair.name))
	if (!names.has(`${LEGACY_PREFIX}session_token`) || names.has(`${prefix}session_token`)) return null
	const values: LegacyAuthCookies['values'] = {}
	const renamed = pairs.map(({ name, raw }) => {
		const cookie = CARRIED_OVER.find((candidate) => name === `${LEGACY_PREFIX}${candidate}`)
		if (!cookie || names.has(`${prefix}${cookie}`)) return `${name}=${raw}`
		values[cookie] = raw
		return `${prefix}${cookie}=${raw}`
	})
	return { header: renamed.join('; '), values }
}

const ATTRIBUTES = 'Path=/; HttpOnly; Secure; SameSite=Lax'

/**
 * The Set-Cookie lines that move an accepted old-name session to the new
 * names: the same signed values (the session is unchanged), the same
 * lifetime (a session cookie when it was not remembered), the old cookies
 * expired.
 */
export function movedAuthCookies(legacy: LegacyAuthCookies, sessionExpiresAt: Date): string[] {
	const prefix = `${authCookiePrefix(true)}.`
	const maxAge = Math.max(0, Math.floor((sessionExpiresAt.getTime() - Date.now()) / 1000))
	const lines: string[] = []
	for (const cookie of CARRIED_OVER) {
		const raw = legacy.values[cookie]
		if (raw === undefined) continue
		const lifetime = cookie === 'session_token' && legacy.values.dont_remember === undefined ? `; Max-Age=${maxAge}` : ''
		lines.push(`${prefix}${cookie}=${raw}; ${ATTRIBUTES}${lifetime}`)
	}
	return [...lines, ...expiredLegacyCookies(legacy)]
}

/** Set-Cookie lines that remove the old-name cookies from the browser. */
export function expiredLegacyCookies(legacy: LegacyAuthCookies): string[] {
	return Object.keys(legacy.values).map((cookie) => `${LEGACY_PREFIX}${cookie}=; ${ATTRIBUTES}; Max-Age=0`)
}
