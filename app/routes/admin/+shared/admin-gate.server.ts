/**
 * The gate of every /admin page (routes/admin/layout.tsx): an admin, signed
 * in as themselves (not acting as someone), or the ordinary 404 page for
 * everyone else — signed out, a user, an admin while acting — for every
 * /admin URL and every admin POST. Nothing tells a non-admin that /admin
 * exists. The role is read with the session (Better Auth, the ≤ 500 ms
 * session cache on GET; a POST always reads afresh), so a revoked role
 * closes /admin within a second on every instance.
 */
import { data, type MiddlewareFunction } from 'react-router'
import { userContext } from '#app/context.server.ts'
import { ADMIN_ROLE } from '#app/lib/auth/admin-access.server.ts'
import { getCurrentSession, type CurrentSession } from '#app/lib/auth/session.server.ts'

export function isAdminSession(current: CurrentSession | null): current is CurrentSession {
	return Boolean(current && current.user.role === ADMIN_ROLE && !current.session.impersonatedBy)
}

export const requireAdminMiddleware: MiddlewareFunction<Response> = async ({ request, context }, next) => {
	const current = await getCurrentSession(request, context)
	if (!isAdminSession(current)) throw data('Not found', { status: 404 })
	context.set(userContext, current)
	const response = await next()
	// Never cached, never indexed (the pages' <meta name="robots"> says it too).
	response.headers.set('Cache-Control', 'no-store')
	response.headers.set('X-Robots-Tag', 'noindex, nofollow')
	return response
}
