/**
 * Every /admin page: the gate (+shared/admin-gate.server.ts) answers the
 * ordinary 404 page to anyone but an admin signed in as themselves, for
 * every /admin URL and every admin POST; the pages are never cached or
 * indexed. The layout shows the admin's two pages.
 */
import { NavLink, Outlet } from 'react-router'
import type { Route } from './+types/layout'
import { requireAdminMiddleware } from './+shared/admin-gate.server.ts'

export const middleware: Route.MiddlewareFunction[] = [requireAdminMiddleware]

export default function AdminLayout() {
	return (
		<div className="admin">
			<div className="workspace-bar">
				<p className="workspace-name">Administration</p>
				<nav aria-label="Administration">
					<NavLink to="/admin" end>
						Users
					</NavLink>
					<NavLink to="/admin/audit">Audit log</NavLink>
				</nav>
			</div>
			<Outlet />
		</div>
	)
}
