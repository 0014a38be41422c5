/**
 * Signing out (/logout): the event goes into the account's activity, then
 * Better Auth deletes the session row and answers with the expired cookie.
 */
import { auth } from '#app/lib/auth/better-auth.server.ts'
import type { ContextReader } from '#app/context.server.ts'
import { recordSecurityEvent } from '#app/lib/auth/security-events.server.ts'
import { authHeaders, getCurrentSession } from '#app/lib/auth/session.server.ts'

export async function signOut(request: Request, context: ContextReader): Promise<Headers> {
	const current = await getCurrentSession(request, context)
	if (current) await recordSecurityEvent(request, context, { type: 'sign-out', userId: current.user.id, sessionId: current.session.id })
	const { headers } = await auth.api.signOut({
		headers: authHeaders(request, context),
		returnHeaders: true,
	})
	return headers
}
