/**
 * What the admin pages read about accounts: the Users list (search by email
 * or name, cursor paging, newest first) and one account's page (profile,
 * sign-in methods, sessions, recent security activity, workspaces). Read
 * straight from the app's tables: never a password hash, token, secret or
 * code — only what an admin needs to help.
 */
import { and, count, desc, eq, gt, ilike, or, sql } from 'drizzle-orm'
import { db } from '#app/lib/db.server.ts'
import { account, authEvent, member, organization, passkey, session, user } from '#app/lib/db/schema.ts'
import { after, pageOf } from '#app/lib/db/newest-first-pages.ts'
import { isSuspendedNow } from '#app/lib/auth/admin-access.server.ts'
import { SEARCH_MAX_LENGTH } from './schemas.ts'
import { describeDevice, displayIp } from '#app/lib/auth/device.server.ts'
import { listRecentSecurityEvents, type SecurityEventView } from '#app/lib/auth/security-events.server.ts'

export const USERS_PAGE_SIZE = 25

export type UserRow = {
	id: string
	name: string
	email: string
	emailVerified: boolean
	createdAt: string
	lastSignInAt: string | null
	twoFactorEnabled: boolean
	suspended: boolean
	role: string
}

/** `%`, `_` and `\` are matched as themselves. */
function likePattern(text: string): string {
	return `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`
}

/** The latest sign-in the activity log remembers (kept 90 days). */
const lastSignIn = sql<Date | null>`(select max(${authEvent.createdAt}) from ${authEvent} where ${authEvent.userId} = ${user.id} and ${authEvent.type} = 'sign-in')`

/** What both pages read of an account (never its password, tokens or secrets). */
const accountColumns = {
	id: user.id,
	name: user.name,
	email: user.email,
	emailVerified: user.emailVerified,
	createdAt: user.createdAt,
	twoFactorEnabled: user.twoFactorEnabled,
	banned: user.banned,
	banReason: user.banReason,
	banExpires: user.banExpires,
	role: user.role,
	lastSignInAt: lastSignIn,
}

function userRowOf(row: Awaited<ReturnType<typeof selectAccounts>>[number]): UserRow {
	return {
		id: row.id,
		name: row.name,
		email: row.email,
		emailVerified: row.emailVerified,
		createdAt: row.createdAt.toISOString(),
		lastSignInAt: row.lastSignInAt ? new Date(row.lastSignInAt).toISOString() : null,
		twoFactorEnabled: Boolean(row.twoFactorEnabled),
		suspended: isSuspendedNow(row),
		role: row.role ?? 'user',
	}
}

const selectAccounts = () => db.select(accountColumns).from(user)

/** A page of accounts whose email or name contains `search`, after `cursor`; `next` when there is more. */
export async function searchUsers(search: string, cursor: string | null): Promise<{ users: UserRow[]; next: string | null }> {
	const text = search.trim().slice(0, SEARCH_MAX_LENGTH)
	const rows = await selectAccounts()
		.where(and(text ? or(ilike(user.email, likePattern(text)), ilike(user.name, likePattern(text))) : undefined, after(user, cursor)))
		.orderBy(desc(user.createdAt), desc(user.id))
		.limit(USERS_PAGE_SIZE + 1)
	const { page, next } = pageOf(rows, USERS_PAGE_SIZE)
	return { users: page.map(userRowOf), next }
}

export type UserDetails = UserRow & {
	suspension: { reason: string | null; until: string | null } | null
	signInMethods: string[]
	passkeys: number
	sessions: Array<{ id: string; device: string; ipAddress: string | null; lastActiveAt: string; actingAdmin: boolean }>
	events: SecurityEventView[]
	workspaces: Array<{ name: string; slug: string; role: string }>
}

const PROVIDER_NAMES: Record<string, string> = { credential: 'Password', github: 'GitHub', google: 'Google', oidc: 'Single sign-on' }

/** One account's page, or null when there is no such account. */
export async function userDetails(id: string): Promise<UserDetails | null> {
	const [row] = await selectAccounts().where(eq(user.id, id))
	if (!row) return null
	const [accounts, [passkeys], sessions, events, workspaces] = await Promise.all([
		db.select({ providerId: account.providerId }).from(account).where(eq(account.userId, id)),
		db.select({ count: count() }).from(passkey).where(eq(passkey.userId, id)),
		db
			.select({
				id: session.id,
				userAgent: session.userAgent,
				ipAddress: session.ipAddress,
				updatedAt: session.updatedAt,
				impersonatedBy: session.impersonatedBy,
			})
			.from(session)
			.where(and(eq(session.userId, id), gt(session.expiresAt, new Date())))
			.orderBy(desc(session.updatedAt))
			.limit(100),
		listRecentSecurityEvents(id),
		db
			.select({ name: organization.name, slug: organization.slug, role: member.role })
			.from(member)
			.innerJoin(organization, eq(organization.id, member.organizationId))
			.where(eq(member.userId, id))
			.orderBy(organization.name),
	])
	const base = userRowOf(row)
	return {
		...base,
		suspension: base.suspended ? { reason: row.banReason, until: row.banExpires?.toISOString() ?? null } : null,
		signInMethods: [...new Set(accounts.map((entry) => PROVIDER_NAMES[entry.providerId] ?? entry.providerId))],
		passkeys: passkeys?.count ?? 0,
		sessions: sessions.map((entry) => ({
			id: entry.id,
			device: describeDevice(entry.userAgent),
			ipAddress: displayIp(entry.ipAddress),
			lastActiveAt: entry.updatedAt.toISOString(),
			actingAdmin: Boolean(entry.impersonatedBy),
		})),
		events,
		workspaces,
	}
}

/** How many accounts are admins (the last one may not remove their own role). */
export async function adminCount(): Promise<number> {
	const [row] = await db.select({ count: count() }).from(user).where(eq(user.role, 'admin'))
	return row?.count ?? 0
}

/** The account's id, email, role and suspension, or null. */
export async function findAccount(id: string) {
	const [row] = await db
		.select({ id: user.id, email: user.email, name: user.name, role: user.role, banned: user.banned, banExpires: user.banExpires })
		.from(user)
		.where(eq(user.id, id))
	return row ?? null
}
