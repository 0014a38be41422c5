/**
 * Every /w/<slug>/… page: the middleware resolves the workspace (404 for
 * anyone who does not belong to it, the same as for a slug that does not
 * exist) and swaps in a task API client scoped to it, so the task pages
 * under it are the personal list's own route modules. The layout shows the
 * workspace's name and its pages.
 */
import { NavLink, Outlet } from 'react-router'
import type { Route } from './+types/layout'
import { workspaceContext } from '#app/context.server.ts'
import { workspaceMiddleware } from './+shared/workspace.server.ts'
import { workspaceHref } from './+shared/href.ts'
import { memberPermissions, ROLE_LABELS } from '#common/workspace-roles.ts'

export const middleware: Route.MiddlewareFunction[] = [workspaceMiddleware]

export function loader({ context }: Route.LoaderArgs) {
	const workspace = context.get(workspaceContext)!
	return { workspace: { slug: workspace.slug, name: workspace.name, role: workspace.role } }
}

export default function WorkspaceLayout({ loaderData }: Route.ComponentProps) {
	const { workspace } = loaderData
	return (
		<div className="workspace">
			<div className="workspace-bar">
				<p className="workspace-name">
					<bdi>{workspace.name}</bdi> <span className="role-badge">{ROLE_LABELS[workspace.role]}</span>
				</p>
				<nav aria-label="Workspace">
					<NavLink to={workspaceHref(workspace.slug, 'tasks')}>Tasks</NavLink>
					<NavLink to={workspaceHref(workspace.slug, 'members')}>Members</NavLink>
					{memberPermissions.viewActivity(workspace.role) ? (
						<NavLink to={workspaceHref(workspace.slug, 'activity')}>Activity</NavLink>
					) : null}
				</nav>
			</div>
			<Outlet />
		</div>
	)
}
