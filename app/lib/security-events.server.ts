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
import { logger } from './logger.server.ts'
import { clientIpContext, type ContextReader } from './request-context.server.ts'

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

/** Records one event for the request's client. Never throws: a failed write is logged and the action goes on. */
export async function recordSecurityEvent(request: Request, context: ContextReader, event: SecurityEvent): Promise<void> {
	try {
		logger.info(
			{
				securityEvent: event.type,
				userId: event.userId,
				sessionId: event.sessionId ?? undefined,
				method: event.method ?? undefined,
				provider: event.provider ?? undefined,
				ip: context.get(clientIpContext) ?? undefined,
				userAgent: request.headers.get('user-agent')?.slice(0, 256) ?? undefined,
			},
			'security event',
		)
	} catch (error) {
		logger.warn({ err: error }, 'could not record a security event')
	}
}
