/**
 * Accounts for integration tests, made the way a user makes them: the real
 * /signup action (tests/support/routes.ts), so every test starts from what
 * the form really stores. App modules load on first use, not on import: a
 * test file sets its environment (tests/support/test-env.ts) first.
 */
import { expect } from 'vitest'
import type { CookieJar } from './cookie-jar.ts'

/** The password every test account signs up with. */
export const PASSWORD = 'a good long password'

let counter = 0
/** An address no account in this file has used: `<prefix><n>-<time>@example.com`. */
export function freshEmail(prefix = 'person') {
	return `${prefix}${++counter}-${Date.now()}@example.com`
}

let ips = 0
/**
 * A client IP no other request in this file came from (sign-ups and sign-ins
 * are throttled per IP): 198.18.0.0/15, a range no test names.
 */
export function freshIp() {
	ips += 1
	return `198.18.${Math.floor(ips / 250)}.${(ips % 250) + 1}`
}

export type SignUpOptions = {
	email?: string
	name?: string
	/** The client IP (sign-ups are throttled per IP: a file making many accounts spreads them). */
	ip?: string
	origin?: string
	userAgent?: string
	/** Sends this jar's cookies and keeps what the answer sets. */
	jar?: CookieJar
	/** Other form fields, or overrides (a mistyped confirmation, an empty name). */
	fields?: Record<string, string>
}

/** Posts the sign-up form; the answer is not checked (see `signUp`). `cookie`: what it set. */
export async function postSignUp(options: SignUpOptions = {}) {
	const { cookieHeaderFrom, formPost, runRoute } = await import('./routes.ts')
	const signupRoute = await import('#app/routes/auth/signup.tsx')
	const email = options.email ?? freshEmail()
	const fields = { name: options.name ?? 'Ada Lovelace', email, password: PASSWORD, confirmPassword: PASSWORD, ...options.fields }
	const request = formPost('/signup', fields, { cookie: options.jar?.header, origin: options.origin })
	if (options.userAgent) request.headers.set('user-agent', options.userAgent)
	const result = await runRoute(signupRoute.action as never, request, options.ip === undefined ? {} : { ip: options.ip })
	options.jar?.take(result.response)
	return { ...result, email, cookie: cookieHeaderFrom(result.response) }
}

/** A new, signed-in account: its email, the session cookie and its user id. */
export async function signUp(options: SignUpOptions = {}) {
	const { response, email, cookie } = await postSignUp(options)
	expect(response.status).toBe(302)
	const user = await userByEmail(email)
	return { email, cookie, userId: user!.id, user: user! }
}

/** The stored user with this email, as Better Auth finds it (null without one). */
export async function userByEmail(email: string) {
	const { auth } = await import('#app/lib/auth/better-auth.server.ts')
	const ctx = await auth.$context
	return (await ctx.internalAdapter.findUserByEmail(email))?.user ?? null
}
