/**
 * The app's clean-up: deletes what has expired and would otherwise pile up
 * forever: sessions past their expiry, verification rows (reset tokens) past
 * theirs, the app's throttle counters whose window is over, Better Auth's
 * rate-limit rows not touched for a day, security events (auth_event) older
 * than 90 days, admin audit rows older than a year
 * (ADMIN_AUDIT_RETENTION_DAYS; the table's trigger refuses any earlier
 * delete, see below), device sign-in codes past their expiry, and access
 * tokens past theirs (an expired token mints nothing: the exchange refuses
 * it).
 *
 * In bounded, paced batches under the app's clean-up lease
 * (common/batched-cleanup.ts: 1,000 rows a batch, at most 500,000 rows per
 * table per run). Each table's condition is a range on one indexed column:
 * session_expires_at_idx, verification_expires_at_idx,
 * auth_throttle_window_ends_at_idx, rate_limit_last_request_idx,
 * auth_event_created_at_idx, admin_audit_created_at_idx,
 * device_code_expires_at_idx, apikey_expires_at_idx.
 *
 * It takes the database as an argument and opens nothing itself:
 * app/lib/cleanup.server.ts runs it on the app's database, `npm run
 * cleanup -- --app` (scripts/cleanup.ts) on the one its environment names.
 */
import { and, lt, sql } from 'drizzle-orm'
import { runBatchedCleanup, type CleanupOptions, type CleanupRun, type ExpiredRows } from '#common/batched-cleanup.ts'
import type { StatementRunner } from '#common/cleanup-lease.ts'
import { ADMIN_AUDIT_RETENTION_DAYS } from '#app/lib/admin/audit-entry.server.ts'
import { adminAudit, apikey, appCleanupLease, authEvent, authThrottle, deviceCode, rateLimit, session, verification } from './db/schema.ts'

/** How long security events are kept. */
export const SECURITY_EVENT_RETENTION_DAYS = 90
/** Better Auth's rate-limit rows not touched for this long are deleted (its windows are minutes long). */
const RATE_LIMIT_RETENTION_MS = 24 * 60 * 60 * 1000
const DAY_MS = 24 * 60 * 60 * 1000

export type AppCleanupTable =
	'sessions' | 'verifications' | 'throttles' | 'rateLimits' | 'securityEvents' | 'adminAudit' | 'deviceCodes' | 'accessTokens'
export type AppCleanupRun = CleanupRun<AppCleanupTable>

/** What has expired at `now`, table by table, in the order a run goes through them. */
export function appExpiredRows(now: Date): Array<ExpiredRows<AppCleanupTable>> {
	return [
		{ name: 'sessions', table: session, where: lt(session.expiresAt, now), orderBy: session.expiresAt },
		{ name: 'verifications', table: verification, where: lt(verification.expiresAt, now), orderBy: verification.expiresAt },
		{ name: 'throttles', table: authThrottle, where: lt(authThrottle.windowEndsAt, now), orderBy: authThrottle.windowEndsAt },
		{
			name: 'rateLimits',
			table: rateLimit,
			where: lt(rateLimit.lastRequest, now.getTime() - RATE_LIMIT_RETENTION_MS),
			orderBy: rateLimit.lastRequest,
		},
		{
			name: 'securityEvents',
			table: authEvent,
			where: lt(authEvent.createdAt, new Date(now.getTime() - SECURITY_EVENT_RETENTION_DAYS * DAY_MS)),
			orderBy: authEvent.createdAt,
		},
		{
			name: 'adminAudit',
			table: adminAudit,
			// Both cut-offs: `now` (the caller's), and the database's own clock,
			// the one the append-only trigger (migration 0005) judges by in the
			// same statement, so a clock difference between app and database can
			// never make it refuse a row and fail the batch.
			where: and(
				lt(adminAudit.createdAt, new Date(now.getTime() - ADMIN_AUDIT_RETENTION_DAYS * DAY_MS)),
				lt(adminAudit.createdAt, sql`now() - interval '${sql.raw(String(ADMIN_AUDIT_RETENTION_DAYS))} days'`),
			)!,
			orderBy: adminAudit.createdAt,
		},
		{ name: 'deviceCodes', table: deviceCode, where: lt(deviceCode.expiresAt, now), orderBy: deviceCode.expiresAt },
		{ name: 'accessTokens', table: apikey, where: lt(apikey.expiresAt, now), orderBy: apikey.expiresAt },
	]
}

/** One run of the app's clean-up; null when another instance holds the lease (skipped). */
export function deleteExpiredAppRows(db: StatementRunner, options: CleanupOptions = {}): Promise<AppCleanupRun | null> {
	return runBatchedCleanup(db, appCleanupLease, appExpiredRows, options)
}
