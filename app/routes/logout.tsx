import { redirect } from 'react-router'
import type { Route } from './+types/logout'
import { redirectWithAuthCookies, signOut } from '../lib/auth-actions.server.ts'
import { getCurrentSession } from '../lib/session.server.ts'

/** Signing out is a POST; a GET changes nothing and goes home. */
export async function loader() {
	throw redirect('/')
}

export async function action({ request, context }: Route.ActionArgs) {
	if (!(await getCurrentSession(request, context))) throw redirect('/')
	// Deletes the session row and expires the cookie.
	return redirectWithAuthCookies('/', await signOut(request, context))
}
