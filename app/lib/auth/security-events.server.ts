/**
 * Security events: what happened to an account, for the user's "Recent
 * security activity" in Settings and for the JSON log. Never a password,
 * token, code or cookie: only the kind of event, the account, the session,
 * the sign-in method, the client IP (as the HTTP layer resolved it,
 * honouring TRUST_PROXY) and the device (from the user agent).
 *
 * Call recordSecurityEvent from the server action where the event happens,
 * also when the action fails (a failed sign-in of an existing account).
 */
import { desc, eq } from 'drizzle-orm'
import { db } from '#app/lib/db.server.ts'
import { authEvent } from '#app/lib/db/schema.ts'
import { describeDevice } from './device.server.ts'
import { logger } from '#app/lib/logger.server.ts'
import { clientIpContext, type ContextReader } from '#app/context.server.ts'

/** How long events are kept (the hourly cleanup deletes older rows). */
export const SECURITY_EVENT_RETENTION_DAYS = 90
/** How many of them Settings shows. */
export const RECENT_SECURITY_EVENTS = 20

export const SECURITY_EVENT_TYPES = [
	'sign-up',
	'sign-in',
	'sign-in-failed',
	'two-factor-passed',
	'two-factor-failed',
	'sign-out',
	'session-revoked',
	'password-changed',
	'password-reset',
	'email-change-requested',
	'email-changed',
	'two-factor-enabled',
	'two-factor-disabled',
	'backup-codes-regenerated',
	'passkey-added',
	'passkey-removed',
	'provider-linked',
	'provider-unlinked',
	'account-deleted',
] as const
export type SecurityEventType = (typeof SECURITY_EVENT_TYPES)[number]

/** How a user signed in: a password, a passkey, a provider (with its id, e.g. "github"), or an emailed link. */
export type SignInMethod = 'password' | 'passkey' | 'provider' | 'link'

export type SecurityEvent = {
	type: SecurityEventType
	userId: string
	sessionId?: string | null
	method?: SignInMethod | null
	/** The provider's id for provider sign-ins and links ("github", "google", "oidc"). */
	provider?: string | null
}

/**
 * Records one event for the request's client: a row in auth_event and a
 * line in the JSON log. Never throws: a failed write is logged and the
 * action goes on.
 */
export async function recordSecurityEvent(request: Request, context: ContextReader, event: SecurityEvent): Promise<void> {
	const ip = context.get(clientIpContext) ?? null
	const device = describeDevice(request.headers.get('user-agent'))
	try {
		logger.info(
			{
				securityEvent: event.type,
				userId: event.userId,
				sessionId: event.sessionId ?? undefined,
				method: event.method ?? undefined,
				provider: event.provider ?? undefined,
				ip: ip ?? undefined,
				device,
			},
			'security event',
		)
		await db.insert(authEvent).values({
			id: crypto.randomUUID(),
			userId: event.userId,
			type: event.type,
			method: event.method ?? null,
			provider: event.provider?.slice(0, 64) ?? null,
			sessionId: event.sessionId ?? null,
			ipAddress: ip?.slice(0, 64) ?? null,
			device,
		})
	} catch (error) {
		logger.warn({ err: error, securityEvent: event.type }, 'could not record a security event')
	}
}

export type SecurityEventView = {
	id: string
	type: SecurityEventType
	method: string | null
	provider: string | null
	ipAddress: string | null
	device: string | null
	createdAt: string
}

/** The account's last events, newest first (for Settings). */
export async function listRecentSecurityEvents(userId: string, limit = RECENT_SECURITY_EVENTS): Promise<SecurityEventView[]> {
	const rows = await db
		.select({
			id: authEvent.id,
			type: authEvent.type,
			method: authEvent.method,
			provider: authEvent.provider,
			ipAddress: authEvent.ipAddress,
			device: authEvent.device,
			createdAt: authEvent.createdAt,
		})
		.from(authEvent)
		.where(eq(authEvent.userId, userId))
		.orderBy(desc(authEvent.createdAt), desc(authEvent.id))
		.limit(limit)
	return rows.map((row) => ({ ...row, type: row.type as SecurityEventType, createdAt: row.createdAt.toISOString() }))
}
