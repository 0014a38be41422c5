/**
 * The admin audit log: one row per admin action, written by the action that
 * did it (the /admin pages, `npm run admin`, the ADMIN_EMAILS bootstrap),
 * read by /admin/audit. Append-only in the database itself (a trigger,
 * migration 0005): no row is changed, none deleted before it is a year old
 * (the hourly cleanup deletes older ones). Who acted and on whom are kept as
 * they were then (id and email), so the log outlives a deleted account.
 * Never a password, code, token or cookie: only what was done, to whom, the
 * reason the admin gave, and the admin's IP address.
 */
import { desc } from 'drizzle-orm'
import { after, pageOf } from '#app/lib/db/newest-first-pages.ts'
import { db } from '#app/lib/db.server.ts'
import { adminAudit } from '#app/lib/db/schema.ts'
import { logger } from '#app/lib/logger.server.ts'
import { ADMIN_ACTIONS, insertAdminAudit, type AdminAction, type AdminAuditEntry } from './audit-entry.server.ts'

export { ADMIN_ACTIONS, ADMIN_AUDIT_RETENTION_DAYS, insertAdminAudit } from './audit-entry.server.ts'
export type { AdminAction, AdminActor, AdminAuditEntry } from './audit-entry.server.ts'

/**
 * Writes one audit row (and a log line). Unlike security events, a failed
 * write throws: an admin action that cannot be audited does not report success.
 */
export async function recordAdminAction(entry: AdminAuditEntry): Promise<void> {
	logger.info(
		{ adminAction: entry.action, actorId: entry.actor.id ?? undefined, targetId: entry.target?.id, ip: entry.ip ?? undefined },
		'admin action',
	)
	await insertAdminAudit(db, entry)
}

export type AdminAuditRow = {
	id: string
	actor: string
	action: AdminAction
	actionLabel: string
	targetId: string | null
	targetEmail: string | null
	reason: string | null
	ipAddress: string | null
	createdAt: string
}

export const ADMIN_AUDIT_PAGE_SIZE = 50

/** A page of the log, newest first, after `cursor` (the last row of the previous page); `next` when there is more. */
export async function listAdminAudit(
	cursor: string | null,
	limit = ADMIN_AUDIT_PAGE_SIZE,
): Promise<{ rows: AdminAuditRow[]; next: string | null }> {
	const rows = await db
		.select()
		.from(adminAudit)
		.where(after(adminAudit, cursor))
		.orderBy(desc(adminAudit.createdAt), desc(adminAudit.id))
		.limit(limit + 1)
	const { page, next } = pageOf(rows, limit)
	return {
		rows: page.map((row) => ({
			id: row.id,
			actor: row.actorLabel,
			action: row.action as AdminAction,
			actionLabel: ADMIN_ACTIONS[row.action as AdminAction] ?? row.action,
			targetId: row.targetId,
			targetEmail: row.targetEmail,
			reason: row.reason,
			ipAddress: row.ipAddress,
			createdAt: row.createdAt.toISOString(),
		})),
		next,
	}
}
