/** /w/<slug>: the workspace's tasks. */
import { redirect } from 'react-router'
import type { Route } from './+types/index'
import { workspaceHref } from './+shared/workspace.server.ts'

export function loader({ params }: Route.LoaderArgs) {
	return redirect(workspaceHref(params.slug))
}
