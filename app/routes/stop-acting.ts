/**
 * POST /stop-acting: the banner's "Stop acting" (an admin acting as a
 * user). Ends the acting session and puts the admin's own back (Better
 * Auth's admin_session cookie), then /admin. A GET changes nothing.
 */
import { redirect } from 'react-router'
import type { Route } from './+types/stop-acting'
import { getCurrentSession } from '#app/lib/auth/session.server.ts'
import { stopActing } from '#app/routes/admin/+shared/user-actions.server.ts'

export function loader() {
	return redirect('/')
}

export async function action({ request, context }: Route.ActionArgs) {
	const current = await getCurrentSession(request, context)
	if (!current?.session.impersonatedBy) return redirect(current ? '/tasks' : '/login')
	const headers = await stopActing(request, context, current)
	return redirect('/admin', { headers: headers ?? undefined })
}
