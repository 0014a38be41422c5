/**
 * "Remember me" for a passkey sign-in, as for a password sign-in.
 *
 * Better Auth's passkey route (POST /passkey/verify-authentication) takes no
 * such option: it makes a 7-day session row, and its setSessionCookie, told
 * nothing, sets the cookie the way the request's signed dont_remember cookie
 * says. The page script sends the checkbox with the verify request
 * (?rememberMe=true when ticked; anything else counts as unticked, the
 * checkbox's default), and the resource route (routes/api.auth.$.ts) hands
 * Better Auth the request a password sign-in would have produced:
 * - unticked: with a dont_remember cookie signed with the auth secret, so
 *   Better Auth sets the session cookie without Max-Age (it ends with the
 *   browser) and sets its own dont_remember cookie, exactly as signInEmail
 *   with rememberMe: false; the new row is then given the day that
 *   createSession gives a session that is not remembered;
 * - ticked: without a dont_remember cookie the browser may still have (from
 *   an earlier session that ended without a sign-out), which is expired in
 *   the answer, as signInEmail with rememberMe: true does.
 * The flag only ever shortens or lengthens the caller's own new session.
 */
import { eq } from 'drizzle-orm'
import { auth } from './better-auth.server.ts'
import { db } from '#app/lib/db.server.ts'
import { session as sessionTable } from '#app/lib/db/schema.ts'
import { cookieSignature } from './cookie-rotation.server.ts'

/** Better Auth's lifetime of a session row that is not remembered (createSession with dontRememberMe). */
export const NOT_REMEMBERED_SESSION_SECONDS = 60 * 60 * 24

/** The checkbox's value as the page script sends it with the verify request. */
export function rememberMeOf(request: Request): boolean {
	return new URL(request.url).searchParams.get('rememberMe') === 'true'
}

/** A cookie value signed the way Better Auth (better-call) signs and checks one: "<value>.<base64 HMAC-SHA256>". */
function signedValue(value: string, secret: string): string {
	return encodeURIComponent(`${value}.${cookieSignature(value, secret)}`)
}

async function dontRememberCookie() {
	const ctx = await auth.$context
	return { ...ctx.authCookies.dontRememberToken, secret: ctx.secret }
}

/**
 * The headers to hand Better Auth's verify route: the browser's, with its
 * dont_remember cookie (if any) replaced by one that says what the checkbox
 * said. `hadDontRemember`: the browser sent one (to expire when remembered).
 */
export async function passkeySignInHeaders(headers: Headers, rememberMe: boolean): Promise<{ headers: Headers; hadDontRemember: boolean }> {
	const cookie = await dontRememberCookie()
	const parts = (headers.get('cookie') ?? '')
		.split(';')
		.map((part) => part.trim())
		.filter(Boolean)
	const kept = parts.filter((part) => part.slice(0, part.indexOf('=')).trim() !== cookie.name)
	const hadDontRemember = kept.length < parts.length
	if (!rememberMe) kept.push(`${cookie.name}=${signedValue('true', cookie.secret)}`)
	const forwarded = new Headers(headers)
	if (kept.length > 0) forwarded.set('cookie', kept.join('; '))
	else forwarded.delete('cookie')
	return { headers: forwarded, hadDontRemember }
}

/**
 * After Better Auth signed the user in: a session that is not remembered
 * lasts a day (as Better Auth makes it for a password sign-in); a
 * remembered one expires a dont_remember cookie the browser still had.
 */
export async function finishPasskeySignIn(
	responseHeaders: Headers,
	sessionId: string | undefined,
	{ rememberMe, hadDontRemember }: { rememberMe: boolean; hadDontRemember: boolean },
): Promise<void> {
	if (!rememberMe && sessionId) {
		await db
			.update(sessionTable)
			.set({ expiresAt: new Date(Date.now() + NOT_REMEMBERED_SESSION_SECONDS * 1000) })
			.where(eq(sessionTable.id, sessionId))
	}
	if (rememberMe && hadDontRemember) {
		const cookie = await dontRememberCookie()
		const name = `${cookie.name}=`
		if (responseHeaders.getSetCookie().some((line) => line.startsWith(name))) return
		const { path, httpOnly, secure, sameSite } = cookie.attributes
		const attributes = [
			'Max-Age=0',
			path ? `Path=${path}` : null,
			httpOnly ? 'HttpOnly' : null,
			secure ? 'Secure' : null,
			sameSite ? `SameSite=${sameSite.charAt(0).toUpperCase()}${sameSite.slice(1)}` : null,
		]
		responseHeaders.append('set-cookie', [name, ...attributes.filter(Boolean)].join('; '))
	}
}
