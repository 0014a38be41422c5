/**
 * The exchange (POST /api/tokens/exchange): a personal access token or a
 * command line's credential in, a task API JWT out — the same 5-minute
 * EdDSA JWT the app mints for a browser's session, signed by the same
 * key, so the task API keeps trusting one thing (its JWKS). Long-lived
 * secrets stop here: the task API never sees one.
 *
 * The JWT carries the account (`sub`), what the credential grants
 * (`scope`: "tasks:read" or "tasks:read tasks:write", and `workspace` when
 * it reaches one workspace's tasks) and the credential's id (`tid`), which
 * the task API checks against revocations on every request. It never
 * outlives the credential: a token expiring in 2 minutes gets a 2-minute JWT.
 *
 * Refused (null): an unknown, revoked or expired credential, one whose
 * account is gone or suspended now.
 */
import { eq } from 'drizzle-orm'
import { decodeJwt } from 'jose'
import { clientIpContext, type ContextReader } from '#app/context.server.ts'
import { isSuspendedNow } from '#app/lib/auth/admin-access.server.ts'
import { auth } from '#app/lib/auth/better-auth.server.ts'
import { db } from '#app/lib/db.server.ts'
import { user } from '#app/lib/db/schema.ts'
import { tokenForOneCall } from '#app/lib/tasks-api/token-cache.server.ts'
import { CLI_CONFIG_ID, CLI_PREFIX, PAT_CONFIG_ID } from './plugins.server.ts'
import { grantOf, recordTokenEvent, rememberAddress, scopeOf } from './tokens.server.ts'

/** The app's JWTs live 5 minutes (TOKEN_EXPIRES_IN). */
const JWT_SECONDS = 5 * 60

export type Exchanged = { accessToken: string; expiresIn: number }

/** The credential behind a secret, when it is valid now: its id, account, kind and grant. */
export async function verifiedCredential(secret: string) {
	const expectedConfig = secret.startsWith(CLI_PREFIX) ? CLI_CONFIG_ID : PAT_CONFIG_ID
	const result = await auth.api.verifyApiKey({ body: { key: secret, configId: expectedConfig } })
	if (!result.valid || !result.key) return null
	const key = result.key
	const grant = grantOf(key.metadata)
	if (key.configId !== expectedConfig || !grant) return null
	return { id: key.id, userId: key.referenceId, name: key.name ?? '', expiresAt: key.expiresAt ? new Date(key.expiresAt) : null, grant }
}

export async function exchangeCredential(request: Request, context: ContextReader, secret: string): Promise<Exchanged | null> {
	const credential = await verifiedCredential(secret)
	if (!credential) return null
	const [account] = await db.select({ banned: user.banned, banExpires: user.banExpires }).from(user).where(eq(user.id, credential.userId))
	if (!account || isSuspendedNow(account)) return null
	const ip = context.get(clientIpContext)
	if (await rememberAddress(credential.id, credential.grant, ip)) {
		await recordTokenEvent(request, context, credential.userId, 'access-token-new-ip', credential.name)
	}
	const now = Math.floor(Date.now() / 1000)
	const endsAt = credential.expiresAt ? Math.floor(credential.expiresAt.getTime() / 1000) : Infinity
	const claims: { sub: string } & Record<string, unknown> = {
		sub: credential.userId,
		scope: scopeOf(credential.grant.access),
		tid: credential.id,
		...(credential.grant.workspaceId ? { workspace: credential.grant.workspaceId } : {}),
		...(endsAt < now + JWT_SECONDS ? { exp: endsAt } : {}),
	}
	const accessToken = await tokenForOneCall(claims)
	const exp = decodeJwt(accessToken).exp ?? now + JWT_SECONDS
	return { accessToken, expiresIn: Math.max(0, exp - now) }
}
