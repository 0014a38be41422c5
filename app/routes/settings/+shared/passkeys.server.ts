/**
 * Passkeys in Settings, on the server: list, rename and delete go through
 * auth.api (their HTTP routes stay closed), and only for the user's own
 * passkeys; adding happens in the browser (app/components/passkeys.tsx).
 */
import { and, desc, eq } from 'drizzle-orm'
import { auth } from '#app/lib/auth/better-auth.server.ts'
import { db } from '#app/lib/db.server.ts'
import { passkey } from '#app/lib/db/schema.ts'
import type { ContextReader } from '#app/context.server.ts'
import { recordSecurityEvent } from '#app/lib/auth/security-events.server.ts'
import { authHeaders, type CurrentSession } from '#app/lib/auth/session.server.ts'

export type PasskeyView = { id: string; name: string; createdAt: string | null }

export async function listPasskeys(userId: string): Promise<PasskeyView[]> {
	const rows = await db
		.select({ id: passkey.id, name: passkey.name, createdAt: passkey.createdAt })
		.from(passkey)
		.where(eq(passkey.userId, userId))
		.orderBy(desc(passkey.createdAt))
	return rows.map((row) => ({ id: row.id, name: row.name ?? 'Passkey', createdAt: row.createdAt?.toISOString() ?? null }))
}

async function isOwnPasskey(userId: string, id: string): Promise<boolean> {
	const rows = await db
		.select({ id: passkey.id })
		.from(passkey)
		.where(and(eq(passkey.id, id), eq(passkey.userId, userId)))
	return rows.length > 0
}

/** False when the user has no such passkey (any more). */
export async function renamePasskey(request: Request, context: ContextReader, current: CurrentSession, id: string, name: string) {
	if (!(await isOwnPasskey(current.user.id, id))) return false
	await auth.api.updatePasskey({ body: { id, name }, headers: authHeaders(request, context) })
	return true
}

/** False when the user has no such passkey (any more). */
export async function deletePasskey(request: Request, context: ContextReader, current: CurrentSession, id: string) {
	if (!(await isOwnPasskey(current.user.id, id))) return false
	await auth.api.deletePasskey({ body: { id }, headers: authHeaders(request, context) })
	await recordSecurityEvent(request, context, { type: 'passkey-removed', userId: current.user.id, sessionId: current.session.id })
	return true
}
