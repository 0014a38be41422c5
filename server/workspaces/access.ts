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
 *
 * One request reads the role differently: GET (and HEAD) of a workspace's
 * task list, the busiest workspace request. Its page query reads the role
 * itself (roleColumn), in the same round trip, as fresh and exact as the
 * lookup: see readsOwnRole.
 */
import { and, eq, sql, type SQL } from 'drizzle-orm'
import type { Context, MiddlewareHandler } from 'hono'
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
 * The caller's role as an uncorrelated scalar subquery (a lookup by the
 * primary key, evaluated once per query, not per row; null when they are
 * not a member), for a query that checks membership itself: the
 * workspace list's.
 */
export function roleColumn(workspaceId: unknown, userId: unknown): SQL<WorkspaceRole | null> {
	return sql<WorkspaceRole | null>`(select ${workspaceMember.role} from ${workspaceMember} where ${workspaceMember.workspaceId} = ${workspaceId} and ${workspaceMember.userId} = ${userId})`
}

const TASK_LIST_PATH = /^\/v1\/workspaces\/[^/]+\/tasks$/

/**
 * GET (and HEAD, answered by the GET route) /v1/workspaces/{workspaceId}/tasks:
 * the one request the middleware lets through without its lookup, which
 * would be a second round trip before the page's. The list query selects
 * the role (roleColumn) and finds nothing without one, so the page, the
 * role in its body and the 404 for a non-member all come from one read of
 * the membership table, as fresh as the lookup. What the list refuses
 * before its query (a bad parameter or cursor) it refuses to members only:
 * membersFirst.
 */
export function readsOwnRole(c: Context<ApiEnv>): boolean {
	return (c.req.method === 'GET' || c.req.method === 'HEAD') && TASK_LIST_PATH.test(c.req.path)
}

/**
 * For the list, which skipped the lookup: `refusal` (a 422) only once the
 * caller is found to be a member; anyone else gets the 404 first, as on
 * every other route. Only a refused request pays for the lookup.
 */
export async function membersFirst<T>(db: TasksDb, c: Context<ApiEnv>, refusal: () => T): Promise<T> {
	if (!(await roleOf(db, c.req.param('workspaceId') ?? '', c.var.userId))) throw workspaceNotFound()
	return refusal()
}

/**
 * Middleware for /v1/workspaces/{workspaceId} and everything under it: the
 * caller's current role, or 404. Sets `c.var.workspace` for the handlers;
 * not for the list (readsOwnRole), which only gets a malformed id's 404
 * here.
 */
export function requireMembership(db: TasksDb): MiddlewareHandler<ApiEnv> {
	return async (c, next) => {
		const workspaceId = c.req.param('workspaceId') ?? ''
		if (readsOwnRole(c)) {
			if (!isWorkspaceId(workspaceId)) throw workspaceNotFound()
			return next()
		}
		const role = await roleOf(db, workspaceId, c.var.userId)
		if (!role) throw workspaceNotFound()
		c.set('workspace', { id: workspaceId, role })
		await next()
	}
}

/** The workspace the membership middleware found (it ran before every workspace route but the list: readsOwnRole). */
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
