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
import { ACCESS_TOKEN_EVENT_TYPES } from './access-token-events.ts'
import { and, desc, eq } from 'drizzle-orm'
import { db } from '#app/lib/db.server.ts'
import { authEvent, user } from '#app/lib/db/schema.ts'
import { describeDevice } from './device.server.ts'
import { logger } from '#app/lib/logger.server.ts'
import { clientIpContext, type ContextReader } from '#app/context.server.ts'

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
	// Workspaces (app/routes/workspaces/+shared/two-stores.server.ts)
	'workspace-created',
	'workspace-renamed',
	'workspace-deleted',
	'workspace-invitation-sent',
	'workspace-invitation-accepted',
	'workspace-invitation-declined',
	'workspace-invitation-revoked',
	'workspace-role-changed',
	'workspace-member-removed',
	'workspace-member-left',
	'workspace-ownership-transferred',
	// Administration (app/routes/admin/): what an admin did to the account.
	'admin-acted-as-you',
	'account-suspended',
	'account-restored',
	'admin-role-changed',
	// API access (app/lib/access-tokens/): the token's or command line's name in `detail`.
	...ACCESS_TOKEN_EVENT_TYPES,
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
	/** A workspace event: the workspace, who did it, and what it was about in words (see authEvent in schema.ts). */
	workspace?: { id: string; name: string; actorId: string; detail?: string | null } | null
	/** An administrator did it (an admin action on the account, or a session ended from /admin): their id. */
	byAdmin?: { actorId: string } | null
	/** What it was about in words, for an account's own event (an access token's name). */
	detail?: string | null
}

/**
 * Records one event for the request's client: a row in auth_event and a
 * line in the JSON log. Never throws: a failed write is logged and the
 * action goes on.
 */
export async function recordSecurityEvent(request: Request, context: ContextReader, event: SecurityEvent): Promise<void> {
	// Someone else's workspace action in this account's log: not their IP address or device.
	const byOther = Boolean((event.workspace && event.workspace.actorId !== event.userId) || event.byAdmin)
	const ip = byOther ? null : (context.get(clientIpContext) ?? null)
	const device = byOther ? null : describeDevice(request.headers.get('user-agent'))
	try {
		logger.info(
			{
				securityEvent: event.type,
				userId: event.userId,
				sessionId: event.sessionId ?? undefined,
				method: event.method ?? undefined,
				provider: event.provider ?? undefined,
				workspaceId: event.workspace?.id,
				actorId: event.workspace?.actorId ?? event.byAdmin?.actorId,
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
			workspaceId: event.workspace?.id ?? null,
			workspaceName: event.workspace?.name.slice(0, 200) ?? null,
			actorId: event.workspace?.actorId ?? event.byAdmin?.actorId ?? null,
			detail: (event.workspace?.detail ?? event.detail)?.slice(0, 500) ?? null,
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
	/** Workspace events: the workspace's name then, and what it was about ("bob@example.com as Member"). */
	workspaceName: string | null
	detail: string | null
	/** Caused from /admin by an administrator (an admin event, or a session ended there). */
	adminActor: boolean
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
			workspaceName: authEvent.workspaceName,
			detail: authEvent.detail,
			actorId: authEvent.actorId,
			workspaceId: authEvent.workspaceId,
			createdAt: authEvent.createdAt,
		})
		.from(authEvent)
		.where(eq(authEvent.userId, userId))
		.orderBy(desc(authEvent.createdAt), desc(authEvent.id))
		.limit(limit)
	return rows.map(({ actorId, workspaceId, ...row }) => ({
		...row,
		type: row.type as SecurityEventType,
		adminActor: Boolean(actorId && !workspaceId && actorId !== userId),
		createdAt: row.createdAt.toISOString(),
	}))
}

export type WorkspaceEventView = {
	id: string
	type: SecurityEventType
	/** Who did it: their name now, or null when the account is gone. */
	actorName: string | null
	detail: string | null
	createdAt: string
}

/**
 * A workspace's events, newest first (its Activity page): one per event,
 * the actor's own row (each account concerned has a row of its own too).
 * Who did it and what, never their IP address or device (those stay in
 * the actor's own Settings).
 */
export async function listWorkspaceEvents(workspaceId: string, limit = 100): Promise<WorkspaceEventView[]> {
	const rows = await db
		.select({
			id: authEvent.id,
			type: authEvent.type,
			actorName: user.name,
			detail: authEvent.detail,
			createdAt: authEvent.createdAt,
		})
		.from(authEvent)
		.leftJoin(user, eq(user.id, authEvent.actorId))
		.where(and(eq(authEvent.workspaceId, workspaceId), eq(authEvent.userId, authEvent.actorId)))
		.orderBy(desc(authEvent.createdAt), desc(authEvent.id))
		.limit(limit)
	return rows.map((row) => ({ ...row, type: row.type as SecurityEventType, createdAt: row.createdAt.toISOString() }))
}
