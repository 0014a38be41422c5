/**
 * "Recent security activity": the account's last events (auth_event),
 * newest first, with relative times ("3 minutes ago") computed on the
 * server's clock at render time.
 */
import { ACCESS_TOKEN_EVENT_TYPES } from '#app/lib/auth/access-token-events.ts'
import { SettingsSection } from './settings-kit.tsx'

/** One row of auth_event as the page gets it (listRecentSecurityEvents). */
export type SecurityEventView = {
	id: string
	type: string
	method: string | null
	provider: string | null
	ipAddress: string | null
	device: string | null
	/** Workspace events: the workspace's name then, and what it was about. */
	workspaceName?: string | null
	detail?: string | null
	/** Caused from /admin by an administrator (their actions on the account, a session they signed out): no device or IP is shown. */
	adminActor?: boolean
	createdAt: string
}

const LABELS: Record<string, string> = {
	'sign-up': 'Account created',
	'sign-in': 'Signed in',
	'sign-in-failed': 'Failed sign-in attempt',
	'two-factor-passed': 'Two-factor check passed',
	'two-factor-failed': 'Two-factor check failed',
	'sign-out': 'Signed out',
	'session-revoked': 'Session signed out remotely',
	'password-changed': 'Password changed',
	'password-reset': 'Password reset',
	'email-change-requested': 'Email change requested',
	'email-changed': 'Email changed',
	'two-factor-enabled': 'Two-factor authentication turned on',
	'two-factor-disabled': 'Two-factor authentication turned off',
	'backup-codes-regenerated': 'Backup codes regenerated',
	'passkey-added': 'Passkey added',
	'passkey-removed': 'Passkey removed',
	'provider-linked': 'Sign-in provider linked',
	'provider-unlinked': 'Sign-in provider unlinked',
	'account-deleted': 'Account deleted',
	'workspace-created': 'Workspace created',
	'workspace-renamed': 'Workspace renamed',
	'workspace-deleted': 'Workspace deleted',
	'workspace-invitation-sent': 'Invitation sent',
	'workspace-invitation-accepted': 'Invitation accepted',
	'workspace-invitation-declined': 'Invitation declined',
	'workspace-invitation-revoked': 'Invitation revoked',
	'workspace-role-changed': 'Role changed',
	'workspace-member-removed': 'Member removed',
	'workspace-member-left': 'Left the workspace',
	'workspace-ownership-transferred': 'Ownership transferred',
	'admin-acted-as-you': 'An administrator acted as you',
	'account-suspended': 'Account suspended by an administrator',
	'account-restored': 'Account restored by an administrator',
	'admin-role-changed': 'Account role changed by an administrator',
	'access-token-created': 'Access token created',
	'access-token-revoked': 'Access token revoked',
	'access-token-new-ip': 'Access token used from a new IP address',
	'device-sign-in-allowed': 'Command line signed in',
	'device-sign-in-denied': 'Command-line sign-in denied',
	'command-line-signed-out': 'Command line signed out',
}

/** Events whose `detail` names the token or command line they were about. */
const NAMED_BY_DETAIL = new Set<string>(ACCESS_TOKEN_EVENT_TYPES)

/** The readable label of an event type (Settings and a workspace's Activity page). */
export function securityEventLabel(type: string): string {
	return LABELS[type] ?? type
}

const METHODS: Record<string, string> = {
	password: 'with password',
	passkey: 'with a passkey',
	provider: 'with',
	link: 'with an emailed link',
}

const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' })
const UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
	['year', 365 * 24 * 3600],
	['month', 30 * 24 * 3600],
	['week', 7 * 24 * 3600],
	['day', 24 * 3600],
	['hour', 3600],
	['minute', 60],
	['second', 1],
]

/** "5 minutes ago", "yesterday", "now". */
export function relativeTime(at: string, now: number): string {
	const seconds = Math.round((new Date(at).getTime() - now) / 1000)
	for (const [unit, size] of UNITS) {
		if (Math.abs(seconds) >= size || unit === 'second') return relative.format(Math.round(seconds / size), unit)
	}
	return relative.format(0, 'second')
}

/** When an event happened: "5 minutes ago", with the UTC time on hover. */
export function EventTime({ at, now }: { at: string; now: number }) {
	return (
		<time dateTime={at} title={`${at.replace('T', ' ').slice(0, 19)} UTC`}>
			{relativeTime(at, now)}
		</time>
	)
}

function describe(event: SecurityEventView): string {
	const label = LABELS[event.type] ?? event.type
	if (event.workspaceName) return `${label} · ${event.workspaceName}${event.detail ? `: ${event.detail}` : ''}`
	if (NAMED_BY_DETAIL.has(event.type) && event.detail) return `${label}: ${event.detail}`
	if (!event.method) return label
	if (event.method === 'provider') return `${label} with ${event.provider ?? 'a provider'}`
	return `${label} ${METHODS[event.method] ?? ''}`.trim()
}

export function SecurityActivitySection({ events, now }: { events: SecurityEventView[]; now: number }) {
	return (
		<SettingsSection id="activity" title="Recent security activity">
			{events.length === 0 ? (
				<p>No activity yet.</p>
			) : (
				<ol className="session-list security-activity">
					{events.map((event) => (
						<li key={event.id} className="session-item">
							<p>
								<strong>{describe(event)}</strong> · <EventTime at={event.createdAt} now={now} />
							</p>
							{event.adminActor ? (
								<p className="hint">By an administrator</p>
							) : event.workspaceName && !event.device && !event.ipAddress ? (
								<p className="hint">By someone else in the workspace</p>
							) : (
								<p className="hint">
									<bdi>{event.device ?? 'Unknown device'}</bdi> · IP address: {event.ipAddress ?? 'unknown'}
								</p>
							)}
						</li>
					))}
				</ol>
			)}
		</SettingsSection>
	)
}
