/**
 * Device sign-in for the command line (RFC 8628, Better Auth's
 * device-authorization plugin), the server side of /api/tokens/device-code,
 * /api/tokens/device and the /device page.
 *
 * - The page reads a request by its user code without changing it (no state
 *   change on GET: the plugin's own GET /device would claim the code for the
 *   viewer). Allow and Deny are POSTs: each claims the code for the signed-in
 *   user (the plugin's verify) and then approves or denies it.
 * - Redeeming an allowed code (the command line's poll) goes through the
 *   plugin, which answers with a Better Auth *session*. The app never hands
 *   that out: it deletes the session at once and gives the command line an
 *   api-key credential instead (tw_cli_…, tokens.server.ts), which can only
 *   be exchanged for a 5-minute task API JWT, is listed in Settings beside
 *   the access tokens, and is revoked like them.
 */
import { APIError } from 'better-auth/api'
import { eq } from 'drizzle-orm'
import type { ContextReader } from '#app/context.server.ts'
import { auth } from '#app/lib/auth/better-auth.server.ts'
import { recordSecurityEvent } from '#app/lib/auth/security-events.server.ts'
import { authHeaders } from '#app/lib/auth/session.server.ts'
import { db } from '#app/lib/db.server.ts'
import { deviceCode, session } from '#app/lib/db/schema.ts'
import { DEVICE_CLIENTS } from './plugins.server.ts'
import { accessOfScope, createCommandLineCredential, type AccessLevel } from './tokens.server.ts'

/** The scopes a command line may ask for. */
const DEVICE_SCOPES = new Set(['tasks:read', 'tasks:write'])
export const DEVICE_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:device_code'

/** An OAuth error answer (RFC 6749 §5.2 / RFC 8628 §3.5): `error` and a sentence. */
export type OAuthError = { status: number; error: string; description: string }

function oauthErrorOf(error: unknown): OAuthError {
	if (error instanceof APIError) {
		const body = (error.body ?? {}) as { error?: unknown; error_description?: unknown; message?: unknown }
		const code = typeof body.error === 'string' ? body.error : 'invalid_request'
		const description =
			typeof body.error_description === 'string'
				? body.error_description
				: typeof body.message === 'string'
					? body.message
					: 'The request was refused.'
		return { status: error.statusCode >= 500 ? 500 : 400, error: code, description }
	}
	throw error
}

/** A new device request: the plugin's answer (device_code, user_code, verification URIs, expires_in, interval). */
export async function startDeviceSignIn(clientId: string, scope: string | undefined): Promise<Record<string, unknown> | OAuthError> {
	const asked = (scope ?? 'tasks:read').split(' ').filter(Boolean)
	if (asked.length === 0 || asked.some((entry) => !DEVICE_SCOPES.has(entry))) {
		return { status: 400, error: 'invalid_scope', description: 'The scope may hold tasks:read and tasks:write only.' }
	}
	const normalized = asked.includes('tasks:write') ? 'tasks:read tasks:write' : 'tasks:read'
	try {
		return (await auth.api.deviceCode({ body: { client_id: clientId, scope: normalized } })) as Record<string, unknown>
	} catch (error) {
		return oauthErrorOf(error)
	}
}

/**
 * The command line's poll. An allowed code becomes a tw_cli_… credential
 * (the plugin's session is deleted on the spot); anything else is the
 * plugin's RFC 8628 error (authorization_pending, slow_down, expired_token,
 * access_denied, invalid_grant, invalid_client).
 */
export async function redeemDeviceCode(
	deviceCodeValue: string,
	clientId: string,
): Promise<{ refreshToken: string; scope: string; userId: string } | OAuthError> {
	let answer: { access_token: string; scope?: string }
	try {
		answer = (await auth.api.deviceToken({
			body: { grant_type: DEVICE_GRANT_TYPE, device_code: deviceCodeValue, client_id: clientId },
		})) as { access_token: string; scope?: string }
	} catch (error) {
		return oauthErrorOf(error)
	}
	const [made] = await db.delete(session).where(eq(session.token, answer.access_token)).returning({ userId: session.userId })
	if (!made) return { status: 500, error: 'server_error', description: 'The sign-in could not be completed; run taskwell login again.' }
	const scope = answer.scope || 'tasks:read'
	const refreshToken = await createCommandLineCredential(made.userId, clientId, scope)
	return { refreshToken, scope, userId: made.userId }
}

export type DeviceRequestView =
	{ state: 'pending'; userCode: string; clientName: string; access: AccessLevel } | { state: 'used' } | { state: 'invalid' }

/** Upper case, no separators: how the plugin's default codes are stored. */
export const normalizeUserCode = (value: string) => value.replace(/[^a-zA-Z0-9]/g, '').toUpperCase()

/** What /device shows for a code, read without changing anything. */
export async function findDeviceRequest(userCode: string): Promise<DeviceRequestView> {
	const code = normalizeUserCode(userCode)
	if (code.length === 0 || code.length > 64) return { state: 'invalid' }
	const [row] = await db.select().from(deviceCode).where(eq(deviceCode.userCode, code))
	if (!row || row.expiresAt.getTime() <= Date.now()) return { state: 'invalid' }
	if (row.status !== 'pending') return { state: 'used' }
	const client = row.clientId ? DEVICE_CLIENTS[row.clientId] : undefined
	if (!client) return { state: 'invalid' }
	return { state: 'pending', userCode: code, clientName: client.name, access: accessOfScope(row.scope) }
}

/**
 * Allow or deny a device request as the signed-in user: the plugin claims
 * the code for the session's user, then approves or denies it. Outcomes the
 * page words: done, or the code was used / is unknown or expired.
 */
export async function decideDeviceRequest(
	request: Request,
	context: ContextReader,
	userId: string,
	userCode: string,
	decision: 'allow' | 'deny',
): Promise<'done' | 'used' | 'invalid'> {
	const found = await findDeviceRequest(userCode)
	if (found.state !== 'pending') return found.state
	const headers = authHeaders(request, context)
	try {
		await auth.api.deviceVerify({ query: { user_code: found.userCode }, headers })
		if (decision === 'allow') await auth.api.deviceApprove({ body: { userCode: found.userCode }, headers })
		else await auth.api.deviceDeny({ body: { userCode: found.userCode }, headers })
	} catch (error) {
		if (error instanceof APIError && error.statusCode < 500)
			return (await findDeviceRequest(userCode)).state === 'used' ? 'used' : 'invalid'
		throw error
	}
	await recordSecurityEvent(request, context, {
		type: decision === 'allow' ? 'device-sign-in-allowed' : 'device-sign-in-denied',
		userId,
		detail: found.clientName,
	})
	return 'done'
}
