/**
 * What a task page needs to know of its workspace (null on the personal
 * list): the caller's role and id, to show only the controls the role can
 * use, and the people, for "Created by" and "Assigned to". The task API
 * decides what is allowed whatever the page shows.
 */
import { userContext, workspaceContext, type ContextReader } from '#app/context.server.ts'
import type { WorkspaceRole } from '#common/workspace-roles.ts'

export type WorkspaceView = { name: string; role: WorkspaceRole; me: string; people: { userId: string; name: string }[] }

export function workspaceView(context: ContextReader): WorkspaceView | null {
	const workspace = context.get(workspaceContext)
	if (!workspace) return null
	return {
		name: workspace.name,
		role: workspace.role,
		me: context.get(userContext).user.id,
		people: workspace.people.map(({ userId, name }) => ({ userId, name })),
	}
}
