/**
 * The security events of API access (app/lib/access-tokens/), plain so the
 * Settings activity list can tell them apart in the browser too: each names
 * its token or command line in the event's `detail`.
 */
export const ACCESS_TOKEN_EVENT_TYPES = [
	'access-token-created',
	'access-token-revoked',
	'access-token-new-ip',
	'device-sign-in-allowed',
	'device-sign-in-denied',
	'command-line-signed-out',
] as const
