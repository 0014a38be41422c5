import { redirect } from 'react-router'
import type { Route } from './+types/logout'
import { redirectWithAuthCookies, signOut } from '#app/lib/auth-actions.server.ts'
import { getCurrentSession } from '#app/lib/auth/session.server.ts'
import { forgetTokensForSession } from '#app/lib/tasks-api/token-cache.server.ts'

/** Signing out is a POST; a GET changes nothing and goes home. */
export async function loader() {
	throw redirect('/')
}

export async function action({ request, context }: Route.ActionArgs) {
	const current = await getCurrentSession(request, context)
	if (!current) throw redirect('/')
	forgetTokensForSession(current.session.id)
	// Deletes the session row and expires the cookie.
	return redirectWithAuthCookies('/', await signOut(request, context))
}
