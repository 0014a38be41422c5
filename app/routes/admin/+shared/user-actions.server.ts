/**
 * What an admin can do to an account (the forms of /admin/users/<id>), on
 * the server. The caller is already known to be an admin signed in as
 * themselves (admin-gate.server.ts); each action checks the account, does
 * the work through auth.api with the admin's own session (Better Auth's
 * admin plugin checks the role again), and writes the audit row — and the
 * account's own activity log where the user should see it.
 *
 * Order across the two stores, as for workspaces: what takes access away
 * goes to the task API first (a suspension is in force there before the
 * sessions end: nothing the user still holds works a moment longer); what
 * gives it back goes to the task API last.
 */
import type { ContextReader } from '#app/context.server.ts'
import { clientIpContext } from '#app/context.server.ts'
import { recordAdminAction, type AdminAction } from '#app/lib/admin/audit.server.ts'
import { ADMIN_ROLE, isSuspendedNow, USER_ROLE } from '#app/lib/auth/admin-access.server.ts'
import { auth } from '#app/lib/auth/better-auth.server.ts'
import { authCookieHeaders } from '#app/lib/auth/redirect-with-cookies.server.ts'
import { recordSecurityEvent, type SecurityEventType } from '#app/lib/auth/security-events.server.ts'
import { authHeaders, keepReplacedSession, type CurrentSession } from '#app/lib/auth/session.server.ts'
import { forgetCachedSessionsOf } from '#app/lib/auth/session-cache.server.ts'
import { db } from '#app/lib/db.server.ts'
import { session as sessionTable } from '#app/lib/db/schema.ts'
import { logger } from '#app/lib/logger.server.ts'
import { deleteAllTasksOf, setAccountSuspension } from '#app/lib/tasks-api/admin-client.server.ts'
import { and, eq } from 'drizzle-orm'
import { eraseAccount } from '#app/routes/settings/+shared/account.server.ts'
import { checkCurrentPassword } from '#app/routes/settings/+shared/password-check.server.ts'
import { checkSecondFactor, isTwoFactorEnabled } from '#app/routes/settings/+shared/two-factor.server.ts'
import { refuse, type Outcome } from '#app/routes/workspaces/+shared/two-stores.server.ts'
import { adminCount, findAccount } from './users.server.ts'
import { SUSPENSION_END_PAST_MESSAGE } from './schemas.ts'

type Account = NonNullable<Awaited<ReturnType<typeof findAccount>>>
type Args = { request: Request; context: ContextReader; admin: CurrentSession; target: Account }

export const NO_SUCH_USER_MESSAGE = 'There is no account with that id.'
const API_UNAVAILABLE_MESSAGE = 'The task service could not be reached, so nothing was changed. Try again in a moment.'

/** The audit row of an action by `admin` on `target`. */
async function audit({ context, admin, target }: Args, action: AdminAction, reason?: string | null): Promise<void> {
	await recordAdminAction({
		actor: { id: admin.user.id, email: admin.user.email },
		action,
		target: { id: target.id, email: target.email },
		reason: reason ?? null,
		ip: context.get(clientIpContext),
	})
}

/** The event in the account's own activity log (the admin as actor; no IP address or device). */
async function tellUser({ request, context, admin, target }: Args, type: SecurityEventType): Promise<void> {
	await recordSecurityEvent(request, context, { type, userId: target.id, byAdmin: { actorId: admin.user.id } })
}

/**
 * The start of the day `day` (YYYY-MM-DD) in `timeZone` (the admin's, UTC
 * when unknown): when a suspension "until" that day lifts itself.
 */
export function startOfDay(day: string, timeZone: string | null): Date {
	const utc = new Date(`${day}T00:00:00Z`)
	if (!timeZone) return utc
	try {
		// The zone's offset at that moment: format the UTC instant there and compare.
		const parts = new Intl.DateTimeFormat('en-US', {
			timeZone,
			hourCycle: 'h23',
			year: 'numeric',
			month: '2-digit',
			day: '2-digit',
			hour: '2-digit',
			minute: '2-digit',
			second: '2-digit',
		}).formatToParts(utc)
		const get = (type: string) => Number(parts.find((part) => part.type === type)?.value)
		const asIfUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'))
		return new Date(utc.getTime() - (asIfUtc - utc.getTime()))
	} catch {
		return utc
	}
}

export async function suspendUser(args: Args, input: { reason: string; until?: string }): Promise<Outcome> {
	const { request, context, admin, target } = args
	if (target.id === admin.user.id) return refuse(400, 'You cannot suspend your own account.')
	const until = input.until ? startOfDay(input.until, admin.user.timeZone) : null
	if (until && until.getTime() <= Date.now()) return refuse(400, SUSPENSION_END_PAST_MESSAGE, 'until')
	// The task API first: from now on it refuses the account's calls, with
	// tokens minted before this moment refused for good.
	try {
		await setAccountSuspension(request, context, admin, target.id, until ?? 'forever')
	} catch (error) {
		logger.error({ err: error, targetId: target.id }, 'suspension: the task API could not be told; nothing changed')
		return refuse(503, API_UNAVAILABLE_MESSAGE)
	}
	// Better Auth: the suspension on the account, and every session of it deleted.
	try {
		await auth.api.banUser({
			body: {
				userId: target.id,
				banReason: input.reason,
				banExpiresIn: until ? Math.max(1, Math.ceil((until.getTime() - Date.now()) / 1000)) : undefined,
			},
			headers: authHeaders(request, context),
		})
	} catch (error) {
		// Not suspended after all: the task API lets the account in again (its new tokens).
		await setAccountSuspension(request, context, admin, target.id, null).catch((undo: unknown) =>
			logger.error({ err: undo, targetId: target.id }, 'suspension: could not undo the task API side'),
		)
		throw error
	}
	forgetCachedSessionsOf(target.id)
	await audit(args, 'user-suspended', until ? `${input.reason} (until ${until.toISOString()})` : input.reason)
	await tellUser(args, 'account-suspended')
	return { ok: true }
}

export async function restoreUser(args: Args): Promise<Outcome> {
	const { request, context, admin, target } = args
	if (!isSuspendedNow(target)) return refuse(409, 'This account is not suspended.')
	await auth.api.unbanUser({ body: { userId: target.id }, headers: authHeaders(request, context) })
	try {
		await setAccountSuspension(request, context, admin, target.id, null)
	} catch (error) {
		// Better Auth lets them sign in again; the task API would still refuse them: put the suspension back.
		logger.error({ err: error, targetId: target.id }, 'restore: the task API could not be told; the suspension stays')
		await auth.api.banUser({
			body: { userId: target.id, banReason: 'Restore failed: still suspended' },
			headers: authHeaders(request, context),
		})
		return refuse(503, API_UNAVAILABLE_MESSAGE)
	}
	await audit(args, 'user-restored')
	await tellUser(args, 'account-restored')
	return { ok: true }
}

export async function revokeUserSession(args: Args, sessionId: string): Promise<Outcome> {
	const { request, context, admin, target } = args
	const [row] = await db
		.select({ token: sessionTable.token })
		.from(sessionTable)
		.where(and(eq(sessionTable.id, sessionId), eq(sessionTable.userId, target.id)))
	if (!row) return refuse(404, 'That session has already ended.')
	await auth.api.revokeUserSession({ body: { sessionToken: row.token }, headers: authHeaders(request, context) })
	forgetCachedSessionsOf(target.id)
	await recordSecurityEvent(request, context, {
		type: 'session-revoked',
		userId: target.id,
		sessionId,
		byAdmin: { actorId: admin.user.id },
	})
	await audit(args, 'session-revoked')
	return { ok: true }
}

export async function signOutEverywhere(args: Args): Promise<Outcome> {
	const { request, context, admin, target } = args
	if (target.id === admin.user.id) return refuse(400, 'Use Settings to sign your own sessions out.')
	await auth.api.revokeUserSessions({ body: { userId: target.id }, headers: authHeaders(request, context) })
	forgetCachedSessionsOf(target.id)
	await recordSecurityEvent(request, context, { type: 'session-revoked', userId: target.id, byAdmin: { actorId: admin.user.id } })
	await audit(args, 'sessions-revoked')
	return { ok: true }
}

export async function setRole(args: Args, role: 'user' | 'admin'): Promise<Outcome<{ changed: boolean }>> {
	const { request, context, admin, target } = args
	const current = target.role === ADMIN_ROLE ? ADMIN_ROLE : USER_ROLE
	if (current === role) return { ok: true, changed: false }
	if (role === USER_ROLE && target.id === admin.user.id && (await adminCount()) <= 1) {
		return refuse(409, 'You are the last admin: make someone else an admin before removing your own role.', 'role')
	}
	await auth.api.setRole({ body: { userId: target.id, role }, headers: authHeaders(request, context) })
	forgetCachedSessionsOf(target.id)
	await audit(args, role === ADMIN_ROLE ? 'role-granted' : 'role-revoked', `${current} → ${role}`)
	await tellUser(args, 'admin-role-changed')
	return { ok: true, changed: true }
}

/**
 * Act as this user: the admin's password again, and their second factor
 * when they have one; never an admin, a suspended account or oneself. The
 * new session (at most an hour) replaces the admin's in the browser; the
 * admin's own waits in Better Auth's signed admin_session cookie until
 * "Stop acting". The Set-Cookie headers come back for the redirect.
 */
export async function startActing(args: Args, input: { password: string; code?: string }): Promise<Outcome<{ headers: Headers }>> {
	const { request, context, admin, target } = args
	if (target.id === admin.user.id) return refuse(400, 'You cannot act as yourself.')
	if (target.role === ADMIN_ROLE) return refuse(403, 'Admins cannot act as other admins.')
	if (isSuspendedNow(target)) return refuse(409, 'This account is suspended: restore it first to act as it.')
	if (!(await checkCurrentPassword(request, context, admin.user.id, input.password))) {
		return refuse(400, 'Incorrect password', 'password')
	}
	if (await isTwoFactorEnabled(admin.user.id)) {
		if (!input.code) return refuse(400, 'Enter a code from your authenticator app (or a backup code).', 'code')
		if (!(await checkSecondFactor(request, context, admin, input.code))) return refuse(400, 'That code is not valid.', 'code')
	}
	keepReplacedSession(request, context)
	const { headers } = await auth.api.impersonateUser({
		body: { userId: target.id },
		headers: authHeaders(request, context),
		returnHeaders: true,
	})
	await audit(args, 'impersonation-started')
	await tellUser(args, 'admin-acted-as-you')
	return { ok: true, headers: authCookieHeaders(headers) }
}

/** Delete user: the email typed to confirm; then the same path as the account's own deletion (eraseAccount). */
export async function deleteUser(args: Args, confirmEmail: string): Promise<Outcome<{ email: string }>> {
	const { request, context, admin, target } = args
	if (confirmEmail.trim().toLowerCase() !== target.email.toLowerCase()) {
		return refuse(400, `Type the account's email, ${target.email}, to confirm.`, 'confirmEmail')
	}
	if (target.id === admin.user.id) return refuse(400, 'Delete your own account from Settings.')
	if (target.role === ADMIN_ROLE) return refuse(409, 'Remove the admin role first, then delete the account.')
	const outcome = await eraseAccount(request, context, target.id, {
		deleteTasks: () => deleteAllTasksOf(request, context, admin, target.id),
		deleteUser: async () => {
			await auth.api.removeUser({ body: { userId: target.id }, headers: authHeaders(request, context) })
			forgetCachedSessionsOf(target.id)
			return new Headers()
		},
	})
	if (!outcome.ok && outcome.reason === 'only-owner') {
		return refuse(
			409,
			`This account is the only owner of ${outcome.workspaces.join(', ')}: transfer ownership or delete those workspaces first.`,
		)
	}
	if (!outcome.ok) return refuse(503, 'The account’s tasks could not be deleted just now, so nothing was deleted. Try again in a moment.')
	await audit(args, 'user-deleted')
	return { ok: true, email: target.email }
}

/** Stop acting: back to the admin's own session (Better Auth ends the acting one). Null when not acting. */
export async function stopActing(request: Request, context: ContextReader, acting: CurrentSession): Promise<Headers | null> {
	if (!acting.session.impersonatedBy) return null
	keepReplacedSession(request, context)
	const { headers } = await auth.api.stopImpersonating({ headers: authHeaders(request, context), returnHeaders: true })
	const admin = await findAccount(acting.session.impersonatedBy)
	await recordAdminAction({
		actor: { id: acting.session.impersonatedBy, email: admin?.email ?? '(a deleted account)' },
		action: 'impersonation-stopped',
		target: { id: acting.user.id, email: acting.user.email },
		ip: context.get(clientIpContext),
	})
	forgetCachedSessionsOf(acting.user.id)
	return authCookieHeaders(headers)
}
