/**
 * The header's workspace switcher: the personal list and every workspace the
 * user belongs to, and "Create workspace". A <details> menu of plain links,
 * so it works without JavaScript; the current list is marked.
 */
import { Link, useLocation } from 'react-router'

export type SwitcherWorkspace = { slug: string; name: string }

export function WorkspaceSwitcher({ workspaces }: { workspaces: SwitcherWorkspace[] }) {
	const { pathname } = useLocation()
	const currentSlug = /^\/w\/([^/]+)/.exec(pathname)?.[1]
	const current = workspaces.find((workspace) => encodeURIComponent(workspace.slug) === currentSlug)
	const onPersonal = pathname === '/tasks' || pathname.startsWith('/tasks/')
	return (
		<details className="workspace-switcher" key={pathname}>
			<summary>
				<span className="sr-only">Workspace: </span>
				<bdi>{current ? current.name : 'Your tasks'}</bdi>
			</summary>
			<nav aria-label="Workspaces">
				<ul>
					<li>
						<Link to="/tasks" aria-current={onPersonal ? 'page' : undefined}>
							Your tasks
						</Link>
					</li>
					{workspaces.map((workspace) => (
						<li key={workspace.slug}>
							<Link to={`/w/${encodeURIComponent(workspace.slug)}/tasks`} aria-current={workspace === current ? 'page' : undefined}>
								<bdi>{workspace.name}</bdi>
							</Link>
						</li>
					))}
					<li>
						<Link to="/workspaces/new">Create workspace</Link>
					</li>
				</ul>
			</nav>
		</details>
	)
}
