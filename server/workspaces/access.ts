/**
 * Who may do what in a workspace, decided on every request from the
 * membership table as it is now: one prepared primary-key lookup of the
 * caller's role, never cached, so a removal or a role change counts from the
 * very next request on every instance, whatever token the caller holds (the
 * token carries only `sub`).
 *
 * A caller who is not a member (or a malformed id) gets the same 404 as an
 * unknown workspace, for the workspace and for each of its tasks: nothing
 * tells them it exists.
 */
import { and, eq, sql } from 'drizzle-orm'
import type { MiddlewareHandler } from 'hono'
import { isWorkspaceRole, taskRefusal, type WorkspaceRole } from '#common/workspace-roles.ts'
import type { ApiEnv, WorkspaceAccess } from '#server/context.ts'
import { workspaceMember } from '#server/db/schema.ts'
import { invalidFields, notFound, ProblemError } from '#server/problem.ts'
import type { TasksTx } from '#server/tasks/limits.ts'
import type { TasksDb } from '#server/tasks/repository.ts'

/** Workspace ids are the app's organization ids: uuids. Anything else cannot exist. */
const WORKSPACE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export function isWorkspaceId(value: string): boolean {
	return WORKSPACE_ID.test(value)
}

export const WORKSPACE_NOT_FOUND = 'Nothing here.'

export function workspaceNotFound(): ProblemError {
	return notFound(WORKSPACE_NOT_FOUND)
}

function roleQuery(db: TasksDb) {
	return db
		.select({ role: workspaceMember.role })
		.from(workspaceMember)
		.where(and(eq(workspaceMember.workspaceId, sql.placeholder('workspaceId')), eq(workspaceMember.userId, sql.placeholder('userId'))))
		.prepare('workspace_role')
}

/** Built once per database: a prepared statement on Postgres, parsed once per connection. */
const roleQueries = new WeakMap<TasksDb, ReturnType<typeof roleQuery>>()

/** The user's role in the workspace now, or null when they do not belong to it (or the id is malformed). */
export async function roleOf(db: TasksDb, workspaceId: string, userId: string): Promise<WorkspaceRole | null> {
	if (!isWorkspaceId(workspaceId)) return null
	let query = roleQueries.get(db)
	if (!query) roleQueries.set(db, (query = roleQuery(db)))
	const [row] = await query.execute({ workspaceId, userId })
	return row && isWorkspaceRole(row.role) ? row.role : null
}

/**
 * Middleware for /v1/workspaces/{workspaceId} and everything under it: the
 * caller's current role, or 404. Sets `c.var.workspace` for the handlers.
 */
export function requireMembership(db: TasksDb): MiddlewareHandler<ApiEnv> {
	return async (c, next) => {
		const workspaceId = c.req.param('workspaceId') ?? ''
		const role = await roleOf(db, workspaceId, c.var.userId)
		if (!role) throw workspaceNotFound()
		c.set('workspace', { id: workspaceId, role })
		await next()
	}
}

/** The workspace the membership middleware found (it always ran before a workspace route). */
export function currentWorkspace(workspace: WorkspaceAccess | undefined): WorkspaceAccess {
	if (!workspace) throw new Error('workspace route without the membership middleware')
	return workspace
}

/** 403 with the role table's sentence for a refused task change. */
export function taskForbidden(role: WorkspaceRole, action: Parameters<typeof taskRefusal>[1]): ProblemError {
	return new ProblemError(403, taskRefusal(role, action))
}

/**
 * A task may be assigned only on a workspace's list, to a current member.
 * `tx` may hold the workspace row locked (a create), so a member removed
 * meanwhile cannot be assigned.
 */
export async function assertAssignable(db: TasksDb | TasksTx, workspaceId: string | null, assigneeId: string | null | undefined) {
	if (assigneeId === undefined || assigneeId === null) return
	if (workspaceId === null) throw invalidFields([{ field: 'assigneeId', message: 'only tasks in a workspace can be assigned' }])
	const [row] = await db
		.select({ userId: workspaceMember.userId })
		.from(workspaceMember)
		.where(and(eq(workspaceMember.workspaceId, workspaceId), eq(workspaceMember.userId, assigneeId)))
	if (!row) throw invalidFields([{ field: 'assigneeId', message: 'must be a member of this workspace' }])
}
