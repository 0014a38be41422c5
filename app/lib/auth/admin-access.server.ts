/**
 * Better Auth's admin plugin, as Taskwell's administration (issue 22):
 * accounts are `user` or `admin`; an admin can suspend ("ban") an account,
 * act as one (impersonation), set roles and delete accounts. The /admin
 * pages (app/routes/admin/) call these endpoints through auth.api on the
 * server, after their own checks (an admin, not acting as someone, the
 * throttle); none of them is open over HTTP (OPEN_AUTH_ROUTES).
 *
 * - A suspension deletes every session of the account, and every sign-in
 *   (password, emailed link, provider, passkey, the second step) creates a
 *   session, which the plugin refuses while the suspension lasts: with
 *   SUSPENDED_MESSAGE. One with an end lifts itself at the next sign-in
 *   after it (and the task API stops refusing at that moment too).
 * - An impersonation session lasts at most IMPERSONATION_SECONDS; the
 *   admin's own session waits in a signed cookie until "Stop acting".
 *   Admins are never impersonated (the plugin refuses it, and so does the
 *   app before asking).
 */
import { APIError } from 'better-auth/api'
import { admin } from 'better-auth/plugins/admin'
import { SUSPENDED_MESSAGE } from './suspended.ts'

export { SUSPENDED_MESSAGE }
export const IMPERSONATION_SECONDS = 60 * 60

export const ADMIN_ROLE = 'admin'
export const USER_ROLE = 'user'
export type AccountRole = typeof ADMIN_ROLE | typeof USER_ROLE

export function adminPlugin() {
	return admin({
		defaultRole: USER_ROLE,
		adminRoles: [ADMIN_ROLE],
		impersonationSessionDuration: IMPERSONATION_SECONDS,
		allowImpersonatingAdmins: false,
		bannedUserMessage: SUSPENDED_MESSAGE,
		defaultBanReason: 'No reason given',
	})
}

/** Whether a user's suspension is in force now (a past end has lifted it, whether or not the row says so yet). */
export function isSuspendedNow(user: { banned?: boolean | null; banExpires?: Date | string | null }, now = new Date()): boolean {
	if (!user.banned) return false
	if (!user.banExpires) return true
	return new Date(user.banExpires).getTime() > now.getTime()
}

/** Better Auth's refusal of a session for a suspended account (any way of signing in). */
export function isSuspendedRefusal(error: unknown): boolean {
	return error instanceof APIError && error.body?.code === 'BANNED_USER'
}
