/**
 * Workspace roles and what each may do: one table read by the task API (which
 * enforces it on every request) and by the app (which shows only the controls
 * a role can use). Plain TypeScript, no zod: the browser bundle imports it.
 *
 * | Role   | Tasks                                                  | People and the workspace                          |
 * | ------ | ------------------------------------------------------ | ------------------------------------------------- |
 * | Owner  | everything                                             | everything, incl. rename, delete, transfer        |
 * | Admin  | everything                                             | invite, change roles and remove (not owners)      |
 * | Member | add; edit, complete and assign any; delete their own   | leave                                             |
 * | Viewer | read                                                   | leave                                             |
 */
export const WORKSPACE_ROLES = ['owner', 'admin', 'member', 'viewer'] as const
export type WorkspaceRole = (typeof WORKSPACE_ROLES)[number]

export const ROLE_LABELS: Record<WorkspaceRole, string> = { owner: 'Owner', admin: 'Admin', member: 'Member', viewer: 'Viewer' }
const ROLE_PLURALS: Record<WorkspaceRole, string> = { owner: 'Owners', admin: 'Admins', member: 'Members', viewer: 'Viewers' }

export function isWorkspaceRole(value: unknown): value is WorkspaceRole {
	return typeof value === 'string' && (WORKSPACE_ROLES as readonly string[]).includes(value)
}

/** Workspace ids are Better Auth organization ids (uuids); a slug is what URLs show. */
export const WORKSPACE_SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,46}[a-z0-9])?$/
export const WORKSPACE_NAME_MAX_LENGTH = 60

const manages = (role: WorkspaceRole) => role === 'owner' || role === 'admin'

/** What a role may do with tasks. `own`: the caller created the task. */
export const taskPermissions = {
	read: (_role: WorkspaceRole) => true,
	create: (role: WorkspaceRole) => role !== 'viewer',
	/** Edit, complete, reopen, assign. */
	update: (role: WorkspaceRole) => role !== 'viewer',
	delete: (role: WorkspaceRole, own: boolean) => manages(role) || (role === 'member' && own),
	/** Clear every completed task at once (each may be someone else's). */
	clearCompleted: (role: WorkspaceRole) => manages(role),
}

/** What a role may do with people and the workspace itself. */
export const memberPermissions = {
	/** Invite with `as` as the new member's role. */
	invite: (role: WorkspaceRole, as: WorkspaceRole) => role === 'owner' || (role === 'admin' && as !== 'owner'),
	/** Change `target`'s role from `from` to `to` (someone else's). */
	changeRole: (role: WorkspaceRole, from: WorkspaceRole, to: WorkspaceRole) =>
		role === 'owner' || (role === 'admin' && from !== 'owner' && to !== 'owner'),
	/** Remove someone else whose role is `target`. */
	remove: (role: WorkspaceRole, target: WorkspaceRole) => role === 'owner' || (role === 'admin' && target !== 'owner'),
	viewActivity: (role: WorkspaceRole) => manages(role),
	manageWorkspace: (role: WorkspaceRole) => role === 'owner',
}

/** The sentence a refused task change shows ("Viewers can't change tasks in this workspace."). */
export function taskRefusal(role: WorkspaceRole, action: 'create' | 'update' | 'delete' | 'clearCompleted'): string {
	if (role === 'viewer') return "Viewers can't change tasks in this workspace."
	if (action === 'delete') return `${ROLE_PLURALS[role]} can delete only the tasks they created in this workspace.`
	if (action === 'clearCompleted') return `${ROLE_PLURALS[role]} can't clear everyone's completed tasks in this workspace.`
	return `${ROLE_PLURALS[role]} can't change tasks in this workspace.`
}

export function memberRefusal(role: WorkspaceRole): string {
	if (role === 'admin') return "Admins can't change an owner or make someone an owner in this workspace."
	return `${ROLE_PLURALS[role]} can't manage people in this workspace.`
}

export const LAST_OWNER_REFUSAL = 'A workspace always has at least one owner: make someone else an owner first.'
