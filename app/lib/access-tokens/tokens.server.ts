/**
 * Personal access tokens and signed-in command lines, as Settings and the
 * token endpoints see them: made, listed and revoked for one account.
 *
 * - A token's secret exists in clear only in the answer to its creation
 *   (shown once by Settings, or handed to the command line): Better Auth's
 *   api-key plugin stores its SHA-256 hash, never the secret.
 * - What a token grants lives in its metadata (AccessTokenGrant): read only
 *   or read and write, and the one place it reaches: the account's personal
 *   tasks, or one workspace's. The exchange (exchange.server.ts) turns that
 *   into the JWT's `scope` and `workspace` claims; the task API enforces them.
 * - Revoking tells the task API first (revocation.server.ts): JWTs already
 *   minted from the token stop working within 1 s, on every instance. Only
 *   then does the row go, so a failed call leaves the token listed and
 *   the user can try again.
 */
import { and, desc, eq } from 'drizzle-orm'
import { z } from 'zod'
import type { ContextReader } from '#app/context.server.ts'
import { auth } from '#app/lib/auth/better-auth.server.ts'
import { recordSecurityEvent, type SecurityEventType } from '#app/lib/auth/security-events.server.ts'
import { db } from '#app/lib/db.server.ts'
import { apikey } from '#app/lib/db/schema.ts'
import { CLI_CONFIG_ID, CLI_CREDENTIAL_DAYS, DEVICE_CLIENTS, PAT_CONFIG_ID } from './plugins.server.ts'
import { tellTaskApiRevoked } from './revocation.server.ts'

export const ACCESS_LEVELS = ['read', 'read-write'] as const
export type AccessLevel = (typeof ACCESS_LEVELS)[number]
/** How many addresses a token remembers (for "first use from a new IP"). */
const KNOWN_IPS_MAX = 20

/** What a token grants, kept in its metadata. `workspaceId` null: the account's personal tasks. */
const grantSchema = z.object({
	access: z.enum(ACCESS_LEVELS),
	workspaceId: z.string().nullable().default(null),
	workspaceName: z.string().nullable().default(null),
	clientId: z.string().nullable().default(null),
	ips: z.array(z.string()).default([]),
})
export type AccessTokenGrant = z.infer<typeof grantSchema>

/** The grant in a stored metadata value (a JSON string, or the plugin's parsed object); null when unreadable. */
export function grantOf(metadata: unknown): AccessTokenGrant | null {
	let value = metadata
	if (typeof value === 'string') {
		try {
			value = JSON.parse(value)
		} catch {
			return null
		}
	}
	const parsed = grantSchema.safeParse(value)
	return parsed.success ? parsed.data : null
}

/** The JWT `scope` a grant asks for. */
export const scopeOf = (access: AccessLevel) => (access === 'read' ? 'tasks:read' : 'tasks:read tasks:write')
/** The grant's access from a requested scope (the command line's device request): write only when asked. */
export const accessOfScope = (scope: string | null | undefined): AccessLevel =>
	(scope ?? '').split(' ').includes('tasks:write') ? 'read-write' : 'read'

export type AccessTokenView = {
	id: string
	name: string
	kind: 'token' | 'cli'
	access: AccessLevel
	/** The workspace it reaches (its name when made), or null for personal tasks. */
	workspaceName: string | null
	/** The secret's first characters, prefix included (tw_pat_Ab3…). */
	start: string
	createdAt: string
	lastUsedAt: string | null
	expiresAt: string | null
}

function viewOf(row: typeof apikey.$inferSelect): AccessTokenView | null {
	const grant = grantOf(row.metadata)
	if (!grant) return null
	return {
		id: row.id,
		name: row.name ?? (grant.clientId ? (DEVICE_CLIENTS[grant.clientId]?.name ?? grant.clientId) : 'Access token'),
		kind: row.configId === CLI_CONFIG_ID ? 'cli' : 'token',
		access: grant.access,
		workspaceName: grant.workspaceId ? grant.workspaceName : null,
		start: row.start ?? '',
		createdAt: row.createdAt.toISOString(),
		lastUsedAt: row.lastRequest?.toISOString() ?? null,
		expiresAt: row.expiresAt?.toISOString() ?? null,
	}
}

/** The account's access tokens and signed-in command lines, newest first (expired ones left out). */
export async function listAccessTokens(userId: string): Promise<{ tokens: AccessTokenView[]; commandLines: AccessTokenView[] }> {
	const rows = await db.select().from(apikey).where(eq(apikey.referenceId, userId)).orderBy(desc(apikey.createdAt))
	const now = Date.now()
	const views = rows.filter((row) => !row.expiresAt || row.expiresAt.getTime() > now).flatMap((row) => viewOf(row) ?? [])
	return { tokens: views.filter((view) => view.kind === 'token'), commandLines: views.filter((view) => view.kind === 'cli') }
}

export type NewAccessToken = {
	name: string
	/** 7, 30 or 90 days, or null for no expiry. */
	expiresInDays: number | null
	access: AccessLevel
	/** A workspace the account belongs to (checked by the caller), or null for personal tasks. */
	workspace: { id: string; name: string } | null
}

/** Makes a personal access token; its secret is in the answer and nowhere else. */
export async function createAccessToken(
	request: Request,
	context: ContextReader,
	userId: string,
	input: NewAccessToken,
): Promise<{ secret: string; token: AccessTokenView }> {
	const grant: AccessTokenGrant = {
		access: input.access,
		workspaceId: input.workspace?.id ?? null,
		workspaceName: input.workspace?.name ?? null,
		clientId: null,
		ips: [],
	}
	const created = await auth.api.createApiKey({
		body: {
			configId: PAT_CONFIG_ID,
			name: input.name,
			userId,
			expiresIn: input.expiresInDays === null ? null : input.expiresInDays * 24 * 60 * 60,
			metadata: grant,
		},
	})
	await recordTokenEvent(request, context, userId, 'access-token-created', input.name)
	const [row] = await db.select().from(apikey).where(eq(apikey.id, created.id))
	return { secret: created.key, token: viewOf(row!)! }
}

/** A credential for a command line the user allowed at /device (device.server.ts). */
export async function createCommandLineCredential(userId: string, clientId: string, scope: string | null): Promise<string> {
	const grant: AccessTokenGrant = { access: accessOfScope(scope), workspaceId: null, workspaceName: null, clientId, ips: [] }
	const created = await auth.api.createApiKey({
		body: {
			configId: CLI_CONFIG_ID,
			name: DEVICE_CLIENTS[clientId]?.name ?? clientId,
			userId,
			expiresIn: CLI_CREDENTIAL_DAYS * 24 * 60 * 60,
			metadata: grant,
		},
	})
	return created.key
}

/**
 * Revokes one of the account's tokens or command lines: the task API first
 * (its minted JWTs end within 1 s), then the row. Says which of the two it
 * was, or 'not-found' for an id the account does not have (gone already,
 * or someone else's).
 */
export async function revokeAccessToken(
	request: Request,
	context: ContextReader,
	userId: string,
	id: string,
): Promise<'token-revoked' | 'command-line-revoked' | 'not-found'> {
	const [row] = await db
		.select({ id: apikey.id, name: apikey.name, configId: apikey.configId })
		.from(apikey)
		.where(and(eq(apikey.id, id), eq(apikey.referenceId, userId)))
	if (!row) return 'not-found'
	await tellTaskApiRevoked(userId, row.id)
	await db.delete(apikey).where(eq(apikey.id, row.id))
	const commandLine = row.configId === CLI_CONFIG_ID
	await recordTokenEvent(request, context, userId, commandLine ? 'command-line-signed-out' : 'access-token-revoked', row.name ?? '')
	return commandLine ? 'command-line-revoked' : 'token-revoked'
}

/**
 * Every token and command line of an account, revoked at the task API and
 * deleted (the account is being deleted). Throws when the task API cannot
 * be told: the deletion then stops before anything is gone.
 */
export async function revokeAllAccessTokensOf(userId: string): Promise<void> {
	const rows = await db.select({ id: apikey.id }).from(apikey).where(eq(apikey.referenceId, userId))
	for (const row of rows) await tellTaskApiRevoked(userId, row.id)
	await db.delete(apikey).where(eq(apikey.referenceId, userId))
}

/** Remembers an address a token was used from; true when it is new to the token (a security event). */
export async function rememberAddress(id: string, grant: AccessTokenGrant, ip: string | null): Promise<boolean> {
	if (!ip || grant.ips.includes(ip)) return false
	const ips = [...grant.ips, ip].slice(-KNOWN_IPS_MAX)
	await db
		.update(apikey)
		.set({ metadata: JSON.stringify({ ...grant, ips }) })
		.where(eq(apikey.id, id))
	return true
}

export async function recordTokenEvent(
	request: Request,
	context: ContextReader,
	userId: string,
	type: SecurityEventType,
	name: string,
): Promise<void> {
	await recordSecurityEvent(request, context, { type, userId, detail: name })
}
