/**
 * ADMIN_EMAILS: the way to have a first admin without a shell on the server.
 * When an account signs in (Better Auth's session.create.after hook calls
 * this) and its address is on the list *and verified*, it gets the admin
 * role, once, with an audit row (actor "ADMIN_EMAILS"). An unverified
 * address proves nothing: anyone can sign up with someone else's. The list
 * only ever adds the role: taking an address off it, or revoking the role
 * (the /admin pages, `npm run admin -- revoke`), is not undone by it until
 * that account signs in again while listed.
 *
 * One UPDATE decides, with every condition in its WHERE and `returning` to
 * tell whether this call changed the row: two instances signing the same
 * account in at once change it once (the second waits for the first's row
 * lock, then finds the role already set), so there is one audit row. The
 * audit row is written in the same transaction: no unaudited promotion.
 */
import { and, eq, inArray, sql } from 'drizzle-orm'
import { forgetCachedSessionsOf } from '#app/lib/auth/session-cache.server.ts'
import { db } from '#app/lib/db.server.ts'
import { user } from '#app/lib/db/schema.ts'
import { logger } from '#app/lib/logger.server.ts'
import { insertAdminAudit } from './audit-entry.server.ts'

/** Makes `userId` an admin if its verified address is in `adminEmails` and it is not one yet; true when this call did. */
export async function promoteListedAdmin(userId: string, adminEmails: readonly string[]): Promise<boolean> {
	const listed = adminEmails.map((email) => email.trim().toLowerCase()).filter(Boolean)
	if (listed.length === 0) return false
	const promoted = await db.transaction(async (tx) => {
		const [row] = await tx
			.update(user)
			.set({ role: 'admin' })
			.where(
				and(
					eq(user.id, userId),
					eq(user.emailVerified, true),
					inArray(sql`lower(${user.email})`, listed),
					sql`${user.role} is distinct from 'admin'`,
				),
			)
			.returning({ id: user.id, email: user.email })
		if (!row) return null
		await insertAdminAudit(tx, {
			actor: { id: null, label: 'ADMIN_EMAILS' },
			action: 'role-granted',
			target: { id: row.id, email: row.email },
			reason: 'listed in ADMIN_EMAILS',
		})
		return row
	})
	if (!promoted) return false
	logger.info({ adminAction: 'role-granted', actor: 'ADMIN_EMAILS', targetId: promoted.id }, 'admin action')
	// This instance's other sessions of the account see the role at once (others within SESSION_CACHE_MS).
	forgetCachedSessionsOf(promoted.id)
	return true
}
