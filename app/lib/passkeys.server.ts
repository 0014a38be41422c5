/**
 * Passkeys in Settings, on the server: list, rename and delete go through
 * auth.api (their HTTP routes stay closed); adding happens in the browser
 * (app/components/passkeys.tsx).
 */
import { and, desc, eq } from 'drizzle-orm'
import { data, redirect } from 'react-router'
import { DeletePasskeySchema as DeleteSchema, RenamePasskeySchema as RenameSchema, type PasskeyIntent } from './schemas/passkeys.ts'
import { parseWithZod } from '@conform-to/zod/v4'
import { auth } from '#app/lib/auth/better-auth.server.ts'
import { db } from './db.server.ts'
import { passkey } from './db/schema.ts'
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

export async function passkeySettingsAction(
	intent: PasskeyIntent,
	request: Request,
	context: ContextReader,
	current: CurrentSession,
	formData: FormData,
) {
	const headers = authHeaders(request, context)
	const owned = async (id: string) =>
		(
			await db
				.select({ id: passkey.id })
				.from(passkey)
				.where(and(eq(passkey.id, id), eq(passkey.userId, current.user.id)))
		).length > 0
	if (intent === 'passkey-rename') {
		const submission = parseWithZod(formData, { schema: RenameSchema })
		if (submission.status !== 'success') return data({ intent, result: submission.reply() }, { status: 400 })
		if (!(await owned(submission.value.id)))
			return data({ intent, result: submission.reply({ formErrors: ['That passkey no longer exists.'] }) }, { status: 404 })
		await auth.api.updatePasskey({ body: { id: submission.value.id, name: submission.value.name }, headers })
		return redirect('/settings?saved=passkey-renamed')
	}
	const submission = parseWithZod(formData, { schema: DeleteSchema })
	if (submission.status !== 'success') return data({ intent, result: submission.reply() }, { status: 400 })
	if (!(await owned(submission.value.id)))
		return data({ intent, result: submission.reply({ formErrors: ['That passkey no longer exists.'] }) }, { status: 404 })
	await auth.api.deletePasskey({ body: { id: submission.value.id }, headers })
	await recordSecurityEvent(request, context, { type: 'passkey-removed', userId: current.user.id, sessionId: current.session.id })
	return redirect('/settings?saved=passkey-deleted')
}
