import { redirect } from 'react-router'
import type { Route } from './+types/logout'
import { redirectWithAuthCookies } from '#app/lib/auth/redirect-with-cookies.server.ts'
import { signOut } from '#app/lib/auth/sign-out.server.ts'
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
