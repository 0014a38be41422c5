/**
 * Deletes what has expired and would otherwise pile up forever: sessions past
 * their expiry, verification rows (reset tokens) past theirs, the app's
 * throttle counters whose window is over, and Better Auth's rate-limit rows
 * not touched for a day, security events (auth_event) older than 90 days,
 * admin audit rows older than a year (ADMIN_AUDIT_RETENTION_DAYS; the
 * table's trigger refuses any earlier delete, see the query below), device
 * sign-in codes past their expiry, and access tokens past theirs (an
 * expired token mints nothing: the exchange refuses it). Runs once
 * at start and then every CLEANUP_INTERVAL; the timer is unref()'d so it
 * never keeps a process alive.
 *
 * Several instances may run it at once: every statement is an idempotent
 * DELETE of expired rows, and a transaction-scoped advisory lock lets only
 * one instance do the work per round (the others skip it).
 */
import { and, lt, sql } from 'drizzle-orm'
import { db } from './db.server.ts'
import { adminAudit, apikey, authEvent, authThrottle, deviceCode, rateLimit, session, verification } from './db/schema.ts'
import { logger } from './logger.server.ts'
import { ADMIN_AUDIT_RETENTION_DAYS } from '#app/lib/admin/audit-entry.server.ts'
import { SECURITY_EVENT_RETENTION_DAYS } from '#app/lib/auth/security-events.server.ts'

export const CLEANUP_INTERVAL_MS = 60 * 60 * 1000
const RATE_LIMIT_RETENTION_MS = 24 * 60 * 60 * 1000
/** Arbitrary, fixed: "taskwell cleanup". */
const LOCK_KEY = 7_361_002_511

export type CleanupCounts = {
	sessions: number
	verifications: number
	throttles: number
	rateLimits: number
	securityEvents: number
	adminAudit: number
	deviceCodes: number
	accessTokens: number
}

export async function deleteExpiredRows(now = new Date()): Promise<CleanupCounts | null> {
	return db.transaction(async (tx) => {
		const locked = await tx.execute<{ locked: boolean }>(sql`select pg_try_advisory_xact_lock(${LOCK_KEY}) as locked`)
		const rows = (Array.isArray(locked) ? locked : (locked as { rows: Array<{ locked: boolean }> }).rows) as Array<{ locked: boolean }>
		if (!rows[0]?.locked) return null
		const sessions = await tx.delete(session).where(lt(session.expiresAt, now)).returning({ id: session.id })
		const verifications = await tx.delete(verification).where(lt(verification.expiresAt, now)).returning({ id: verification.id })
		const throttles = await tx.delete(authThrottle).where(lt(authThrottle.windowEndsAt, now)).returning({ key: authThrottle.key })
		const rateLimits = await tx
			.delete(rateLimit)
			.where(lt(rateLimit.lastRequest, now.getTime() - RATE_LIMIT_RETENTION_MS))
			.returning({ id: rateLimit.id })
		const securityEvents = await tx
			.delete(authEvent)
			.where(lt(authEvent.createdAt, new Date(now.getTime() - SECURITY_EVENT_RETENTION_DAYS * 24 * 60 * 60 * 1000)))
			.returning({ id: authEvent.id })
		// Both cut-offs: `now` (the caller's), and the database's own clock, the
		// one the append-only trigger (migration 0005) judges by in this very
		// transaction, so a clock difference between app and database can never
		// make it refuse a row and fail the whole round.
		const adminAuditRows = await tx
			.delete(adminAudit)
			.where(
				and(
					lt(adminAudit.createdAt, new Date(now.getTime() - ADMIN_AUDIT_RETENTION_DAYS * 24 * 60 * 60 * 1000)),
					lt(adminAudit.createdAt, sql`now() - interval '${sql.raw(String(ADMIN_AUDIT_RETENTION_DAYS))} days'`),
				),
			)
			.returning({ id: adminAudit.id })
		const deviceCodes = await tx.delete(deviceCode).where(lt(deviceCode.expiresAt, now)).returning({ id: deviceCode.id })
		const accessTokens = await tx.delete(apikey).where(lt(apikey.expiresAt, now)).returning({ id: apikey.id })
		return {
			sessions: sessions.length,
			verifications: verifications.length,
			throttles: throttles.length,
			rateLimits: rateLimits.length,
			securityEvents: securityEvents.length,
			adminAudit: adminAuditRows.length,
			deviceCodes: deviceCodes.length,
			accessTokens: accessTokens.length,
		}
	})
}

async function runCleanup() {
	try {
		const counts = await deleteExpiredRows()
		if (counts) logger.info({ event: 'cleanup', ...counts }, 'deleted expired sessions, tokens, counters and old log rows')
	} catch (error) {
		logger.error({ err: error }, 'cleanup of expired rows failed')
	}
}

type CleanupState = { timer?: ReturnType<typeof setInterval> }
const state: CleanupState = ((globalThis as { __taskwellCleanup?: CleanupState }).__taskwellCleanup ??= {})

/** Starts the periodic cleanup once per process (dev reloads included). */
export function startCleanup(intervalMs = CLEANUP_INTERVAL_MS): void {
	if (state.timer || process.env.VITEST) return
	void runCleanup()
	state.timer = setInterval(() => void runCleanup(), intervalMs)
	state.timer.unref()
}

export function stopCleanup(): void {
	if (state.timer) clearInterval(state.timer)
	state.timer = undefined
}
