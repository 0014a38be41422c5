/**
 * One admin audit row: the actions, who can be the actor, and the insert
 * itself, given a database (or a transaction). Kept apart from
 * audit.server.ts, which imports the app's database module (it opens and
 * migrates the database when imported): `npm run admin` opens the database
 * with its own connection and writes its rows through the same insert, and
 * the ADMIN_EMAILS bootstrap writes its row in the transaction that changed
 * the role. No logging here: the web's recordAdminAction logs, the command
 * line prints.
 */
import type { Database } from '#common/database.ts'
import { adminAudit, type AppSchema } from '#app/lib/db/schema.ts'

/** How long audit rows are kept (the hourly cleanup deletes older ones; the trigger refuses earlier deletes). */
export const ADMIN_AUDIT_RETENTION_DAYS = 365

export const ADMIN_ACTIONS = {
	'role-granted': 'Made admin',
	'role-revoked': 'Removed admin role',
	'user-suspended': 'Suspended',
	'user-restored': 'Restored',
	'session-revoked': 'Revoked a session',
	'sessions-revoked': 'Signed out everywhere',
	'impersonation-started': 'Started acting as',
	'impersonation-stopped': 'Stopped acting as',
	'user-deleted': 'Deleted',
} as const
export type AdminAction = keyof typeof ADMIN_ACTIONS

/** Who did it: an admin (id and email), or a label for the command line and ADMIN_EMAILS. */
export type AdminActor = { id: string; email: string } | { id: null; label: 'command line' | 'ADMIN_EMAILS' }

export type AdminAuditEntry = {
	actor: AdminActor
	action: AdminAction
	target: { id: string; email: string } | null
	/** The reason the admin gave (a suspension), or what changed in words. */
	reason?: string | null
	ip?: string | null
}

/** The app's database or a transaction on it: anything that can insert. */
export type AuditWriter = Pick<Database<AppSchema>, 'insert'>

/** Inserts one audit row through `db`; a failure throws (an action that cannot be audited does not report success). */
export async function insertAdminAudit(db: AuditWriter, entry: AdminAuditEntry): Promise<void> {
	const actorLabel = entry.actor.id === null ? entry.actor.label : entry.actor.email
	await db.insert(adminAudit).values({
		id: crypto.randomUUID(),
		actorId: entry.actor.id,
		actorLabel: actorLabel.slice(0, 320),
		action: entry.action,
		targetId: entry.target?.id ?? null,
		targetEmail: entry.target?.email.slice(0, 320) ?? null,
		reason: entry.reason?.slice(0, 500) ?? null,
		ipAddress: entry.ip?.slice(0, 64) ?? null,
		// Whole milliseconds (not now()'s microseconds): the paging cursor is a JavaScript Date.
		createdAt: new Date(),
	})
}
