/**
 * "Where you are signed in" in Settings, on the server: the user's
 * sessions (read by user id, never their tokens) and signing one or all of
 * the others out through auth.api, each into the activity log.
 */
import { and, desc, eq, gt } from 'drizzle-orm'
import { auth } from '#app/lib/auth/better-auth.server.ts'
import { db } from '#app/lib/db.server.ts'
import { session as sessionTable } from '#app/lib/db/schema.ts'
import { describeDevice, displayIp } from '#app/lib/auth/device.server.ts'
import { logger } from '#app/lib/logger.server.ts'
import type { ContextReader } from '#app/context.server.ts'
import { recordSecurityEvent } from '#app/lib/auth/security-events.server.ts'
import { authHeaders, type CurrentSession } from '#app/lib/auth/session.server.ts'

export type SessionSummary = {
	id: string
	device: string
	ipAddress: string | null
	lastActiveAt: string
	createdAt: string
	current: boolean
}

/** The user's unexpired sessions, this one first. Never their tokens. */
export async function listSessions(current: CurrentSession): Promise<SessionSummary[]> {
	const rows = await db
		.select({
			id: sessionTable.id,
			userAgent: sessionTable.userAgent,
			ipAddress: sessionTable.ipAddress,
			createdAt: sessionTable.createdAt,
			updatedAt: sessionTable.updatedAt,
		})
		.from(sessionTable)
		.where(and(eq(sessionTable.userId, current.user.id), gt(sessionTable.expiresAt, new Date())))
		.orderBy(desc(sessionTable.updatedAt))
		.limit(100)
	return rows
		.map((row) => ({
			id: row.id,
			device: describeDevice(row.userAgent),
			ipAddress: displayIp(row.ipAddress),
			lastActiveAt: row.updatedAt.toISOString(),
			createdAt: row.createdAt.toISOString(),
			current: row.id === current.session.id,
		}))
		.sort((a, b) => Number(b.current) - Number(a.current))
}

/** Ends one of the user's other sessions; false when it is not theirs. */
export async function revokeSession(
	request: Request,
	context: ContextReader,
	current: CurrentSession,
	sessionId: string,
): Promise<boolean> {
	const [row] = await db
		.select({ token: sessionTable.token })
		.from(sessionTable)
		.where(and(eq(sessionTable.id, sessionId), eq(sessionTable.userId, current.user.id)))
	if (!row) return false
	await auth.api.revokeSession({ body: { token: row.token }, headers: authHeaders(request, context) })
	logger.info({ event: 'session-revoked', userId: current.user.id }, 'session revoked')
	await recordSecurityEvent(request, context, { type: 'session-revoked', userId: current.user.id, sessionId })
	return true
}

export async function revokeOtherSessions(request: Request, context: ContextReader, userId: string, currentSessionId?: string) {
	const others = await db
		.select({ id: sessionTable.id })
		.from(sessionTable)
		.where(and(eq(sessionTable.userId, userId), gt(sessionTable.expiresAt, new Date())))
	await auth.api.revokeOtherSessions({ headers: authHeaders(request, context) })
	logger.info({ event: 'other-sessions-revoked', userId }, 'other sessions revoked')
	// One event per session that ended (its id), not the current one.
	for (const other of others) {
		if (other.id === currentSessionId) continue
		await recordSecurityEvent(request, context, { type: 'session-revoked', userId, sessionId: other.id })
	}
}
