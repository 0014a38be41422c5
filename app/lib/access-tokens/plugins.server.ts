/**
 * The two Better Auth plugins behind API access without a browser (issue 26):
 *
 * - `apiKey` (@better-auth/api-key) stores the long-lived credentials, two
 *   kinds (configId): `pat`, personal access tokens made in Settings
 *   (tw_pat_…), and `cli`, the credential a signed-in command line holds
 *   (tw_cli_…). Only a SHA-256 hash is stored; the prefixes make a leaked
 *   secret recognisable to secret scanners. The plugin's own per-key rate
 *   limit is off: the app throttles exchanges in its own table, per token
 *   and per IP (exchange.server.ts), like every other limit. No session is
 *   ever made from a key (enableSessionForAPIKeys stays off), and its HTTP
 *   routes stay closed (OPEN_AUTH_ROUTES): keys are made, listed and
 *   revoked by the app's Settings forms through auth.api.
 * - `deviceAuthorization` (RFC 8628) for `taskwell login`: codes live
 *   DEVICE_CODE_SECONDS (10 minutes), the command line polls every 5 s, and only allowlisted client
 *   ids may ask (DEVICE_CLIENTS). Its HTTP routes stay closed too: the
 *   command line talks to /api/tokens/* (app/routes/api/tokens/), which call
 *   it through auth.api, and the user allows or denies on /device.
 *
 * Neither credential is ever accepted by the task API: the app exchanges
 * them for the same 5-minute JWTs it mints for the browser's sessions.
 */
import { apiKey } from '@better-auth/api-key'
import { deviceAuthorization } from 'better-auth/plugins/device-authorization'
import { getEnv } from '#app/lib/env.server.ts'

export const PAT_CONFIG_ID = 'pat'
export const CLI_CONFIG_ID = 'cli'
export const PAT_PREFIX = 'tw_pat_'
export const CLI_PREFIX = 'tw_cli_'
/** Random characters after the prefix (a-z, A-Z): about 357 bits. */
const SECRET_LENGTH = 60
/** A signed-in command line stays signed in this long unless it signs out or is revoked. */
export const CLI_CREDENTIAL_DAYS = 90

/** The command-line clients that may ask for a device sign-in, and how /device names them. */
export const DEVICE_CLIENTS: Readonly<Record<string, { name: string }>> = {
	'taskwell-cli': { name: 'Taskwell command line' },
}
export const DEVICE_POLL_INTERVAL = '5s'

const shared = {
	enableMetadata: true,
	defaultKeyLength: SECRET_LENGTH,
	maximumNameLength: 60,
	// The first characters after the prefix, to tell tokens apart in lists.
	startingCharactersConfig: { shouldStore: true, charactersLength: 11 },
	rateLimit: { enabled: false },
	enableSessionForAPIKeys: false,
} as const

export function accessTokenPlugins() {
	const env = getEnv()
	return [
		apiKey([
			{
				...shared,
				configId: PAT_CONFIG_ID,
				defaultPrefix: PAT_PREFIX,
				requireName: true,
				keyExpiration: { minExpiresIn: 1, maxExpiresIn: 365 },
			},
			{
				...shared,
				configId: CLI_CONFIG_ID,
				defaultPrefix: CLI_PREFIX,
				keyExpiration: { minExpiresIn: 1, maxExpiresIn: CLI_CREDENTIAL_DAYS },
			},
		]),
		deviceAuthorization({
			expiresIn: `${env.DEVICE_CODE_SECONDS}s`,
			interval: DEVICE_POLL_INTERVAL,
			validateClient: (clientId) => Object.hasOwn(DEVICE_CLIENTS, clientId),
			verificationUri: `${env.BETTER_AUTH_URL}/device`,
		}),
	]
}
