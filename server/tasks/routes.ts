/**
 * The task routes, declared once with @hono/zod-openapi (the same zod schemas
 * validate requests and describe them in GET /openapi.json) for two lists:
 * the caller's personal list under /v1/tasks, and a workspace's under
 * /v1/workspaces/{workspaceId}/tasks. The handlers are the same; a
 * workspace's routes run after the membership middleware
 * (server/workspaces/access.ts), which read the caller's role for this
 * request, and enforce common/workspace-roles.ts with it; the list reads
 * the role in its own page query instead (access.ts readsOwnRole).
 */
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi'
import { z } from 'zod'
import {
	clearTasksQuerySchema,
	createTaskHeadersSchema,
	createTaskInputSchema,
	IDEMPOTENCY_KEY_HEADER,
	IDEMPOTENCY_KEY_TTL_HOURS,
	DEFAULT_SORT_ORDER,
	deletedCountSchema,
	listTasksQuerySchema,
	type ListTasksParams,
	taskListSchema,
	taskSchema,
	TASK_RESTORE_WINDOW_SECONDS,
	updateTaskInputSchema,
} from '#common/tasks-contract.ts'
import { taskPermissions, type WorkspaceRole } from '#common/workspace-roles.ts'
import type { ApiEnv } from '#server/context.ts'
import { authResponses, jsonBody, pathParam, problemContent, problemResponse, security, workspaceIdParam } from '#server/openapi-parts.ts'
import { invalidFields, notFound } from '#server/problem.ts'
import { assertAssignable, currentWorkspace, membersFirst, taskForbidden, workspaceNotFound } from '#server/workspaces/access.ts'
import { deleteAccountData } from '#server/workspaces/repository.ts'
import { createTaskOnce } from './create.ts'
import { decodeCursor, type DecodedCursor } from './cursor.ts'
import { DEFAULT_TASK_LIMITS, DEFAULT_WORKSPACE_LIMITS, type TaskLimits, type WorkspaceLimits } from './limits.ts'
import * as repository from './repository.ts'

const taskIdParams = z.object({ id: pathParam('id', 'The task id (a uuid).') })
const workspaceParams = z.object({ workspaceId: workspaceIdParam })
const workspaceTaskParams = workspaceParams.extend(taskIdParams.shape)
const notFoundResponse = problemResponse('No such task for this user (unknown, malformed or someone else’s id).')
const workspaceNotFoundResponse = problemResponse(
	'No such workspace for this user (unknown, malformed, or the caller is not a member), or no such task in it.',
)
const forbidden = problemResponse('The caller’s role in the workspace does not allow this (`detail` says why).')
const invalid = problemResponse('Invalid fields: `errors` lists them as { field, message }.')

/** Which list a set of task routes serves. */
type ListKind = 'personal' | 'workspace'

/** The task routes of one kind of list, for OpenAPI and validation. */
function taskRoutes(kind: ListKind) {
	const scoped = kind === 'workspace'
	const base = scoped ? '/v1/workspaces/{workspaceId}/tasks' : '/v1/tasks'
	const whose = scoped ? 'the workspace’s' : 'the caller’s'
	const listParams = scoped ? workspaceParams : z.object({})
	const itemParams = scoped ? workspaceTaskParams : taskIdParams
	const notFoundHere = scoped ? workspaceNotFoundResponse : notFoundResponse
	/** Only a workspace's routes answer 403 (a role refuses) and 404 for the list itself. */
	const roleResponses: Record<string, typeof forbidden> = scoped ? { 403: forbidden, 404: workspaceNotFoundResponse } : {}
	const readResponses: Record<string, typeof forbidden> = scoped ? { 404: workspaceNotFoundResponse } : {}
	const tags = scoped ? ['Workspace tasks'] : undefined

	const list = createRoute({
		method: 'get',
		path: base,
		tags,
		summary: scoped ? 'List a workspace’s tasks' : 'List the caller’s tasks',
		description: `Filtered by status, assignee (\`assignee=me\`) and search (\`q\`, case-insensitive, in title and notes), sorted, and paginated by an opaque cursor (keyset: stable under inserts). \`counts\` are ${whose} totals whatever the filter. Default order: created desc, due asc (no due date last), priority desc (high first).${scoped ? ' `role` is the caller’s role in the workspace.' : ''}`,
		security,
		request: { params: listParams, query: listTasksQuerySchema },
		responses: {
			200: { description: 'A page of tasks.', content: { 'application/json': { schema: taskListSchema } } },
			...readResponses,
			422: invalid,
			...authResponses,
		},
	})

	const create = createRoute({
		method: 'post',
		path: base,
		tags,
		summary: scoped ? 'Create a task in a workspace' : 'Create a task',
		description: `With an \`${IDEMPOTENCY_KEY_HEADER}\` header the create happens at most once per key and user for ${IDEMPOTENCY_KEY_TTL_HOURS} hours: a retry (same key, same fields, same list) answers the original task. ${scoped ? 'A workspace may hold a limited number of tasks (WORKSPACE_MAX_TASKS, 422 when reached); each member' : 'Each account may hold a limited number of tasks (422 when reached) and'} create a limited number per minute (429 with \`Retry-After\`); a replay counts for neither.${scoped ? ' Viewers cannot create (403).' : ''}`,
		security,
		request: { params: listParams, headers: createTaskHeadersSchema, body: jsonBody(createTaskInputSchema) },
		responses: {
			201: {
				description: `Created; \`Location\` is the task’s URL. A repeat of an \`${IDEMPOTENCY_KEY_HEADER}\` answers the same task again, with \`Idempotent-Replayed: true\`.`,
				headers: z.object({
					Location: z.string(),
					'Idempotent-Replayed': z
						.literal('true')
						.optional()
						.meta({ description: `Present when this is the answer to an earlier request with the same ${IDEMPOTENCY_KEY_HEADER}.` }),
				}),
				content: { 'application/json': { schema: taskSchema } },
			},
			400: problemResponse('Malformed JSON.'),
			...roleResponses,
			413: problemResponse('Body over 64 KiB.'),
			415: problemResponse('Content-Type is not application/json.'),
			422: problemResponse(
				`Invalid fields or \`${IDEMPOTENCY_KEY_HEADER}\` (\`errors\` lists them as { field, message }); the key was already used with different fields or another list (field \`${IDEMPOTENCY_KEY_HEADER}\`); an \`assigneeId\` who is not a member; or the ${scoped ? 'workspace holds the most tasks it may (WORKSPACE_MAX_TASKS' : 'account holds the most tasks it may (TASKS_MAX_PER_USER'}; field "").`,
			),
			429: {
				description: 'Too many tasks created by this account in the current minute (TASKS_CREATES_PER_MINUTE).',
				headers: z.object({ 'Retry-After': z.string().meta({ description: 'Seconds until the next minute window.' }) }),
				content: problemContent,
			},
			...authResponses,
		},
	})

	const clearCompleted = createRoute({
		method: 'delete',
		path: base,
		tags,
		summary: scoped ? 'Delete a workspace’s completed tasks (owners and admins)' : 'Delete the caller’s completed tasks',
		description: `Each one is restorable for ${TASK_RESTORE_WINDOW_SECONDS} seconds with POST ${base}/{id}/restore (its id is in \`ids\`).`,
		security,
		request: { params: listParams, query: clearTasksQuerySchema },
		responses: {
			200: { description: 'How many tasks went, and their ids.', content: { 'application/json': { schema: deletedCountSchema } } },
			...roleResponses,
			422: invalid,
			...authResponses,
		},
	})

	const get = createRoute({
		method: 'get',
		path: `${base}/{id}`,
		tags,
		summary: 'Read one task',
		security,
		request: { params: itemParams },
		responses: {
			200: { description: 'The task.', content: { 'application/json': { schema: taskSchema } } },
			404: notFoundHere,
			...authResponses,
		},
	})

	const update = createRoute({
		method: 'patch',
		path: `${base}/{id}`,
		tags,
		summary: 'Change some fields of a task',
		description: `Partial update. \`completed: true\` sets \`completedAt\` (kept if already set), \`false\` clears it. \`null\` clears notes, dueDate or assigneeId.${scoped ? ' Viewers cannot (403).' : ''}`,
		security,
		request: { params: itemParams, body: jsonBody(updateTaskInputSchema) },
		responses: {
			200: { description: 'The updated task.', content: { 'application/json': { schema: taskSchema } } },
			400: problemResponse('Malformed JSON.'),
			...roleResponses,
			404: notFoundHere,
			413: problemResponse('Body over 64 KiB.'),
			415: problemResponse('Content-Type is not application/json.'),
			422: invalid,
			...authResponses,
		},
	})

	const remove = createRoute({
		method: 'delete',
		path: `${base}/{id}`,
		tags,
		summary: 'Delete a task',
		description: `The task leaves every list, count and read at once; it can be restored for ${TASK_RESTORE_WINDOW_SECONDS} seconds (POST ${base}/{id}/restore), then it is purged for good.${scoped ? ' Members may delete only the tasks they created; viewers none (403).' : ''}`,
		security,
		request: { params: itemParams },
		responses: {
			204: { description: 'Deleted.' },
			...roleResponses,
			404: notFoundHere,
			...authResponses,
		},
	})

	const restore = createRoute({
		method: 'post',
		path: `${base}/{id}/restore`,
		tags,
		summary: 'Undo a delete',
		description: `Brings back a task deleted (alone or by clearing completed tasks) less than ${TASK_RESTORE_WINDOW_SECONDS} seconds ago, as it was.${scoped ? ' Who may delete a task may restore it (403 otherwise).' : ''}`,
		security,
		request: { params: itemParams },
		responses: {
			200: { description: 'The restored task.', content: { 'application/json': { schema: taskSchema } } },
			...roleResponses,
			404: problemResponse(
				`No deleted task with this id ${scoped ? 'in this workspace' : 'for this user'} within the last ${TASK_RESTORE_WINDOW_SECONDS} seconds (unknown, not deleted, too late, or someone else’s).`,
			),
			...authResponses,
		},
	})

	return { base, list, create, clearCompleted, get, update, remove, restore }
}

const deleteMineRoute = createRoute({
	method: 'delete',
	path: '/v1/me/tasks',
	summary: 'Delete the caller’s tasks and memberships (account deletion)',
	description:
		'Deletes the caller’s personal tasks (not the workspace tasks they created), their memberships, and the workspaces they were the only member of. Refused (409, nothing deleted) while the caller is the only owner of a workspace that has other members: `workspaces` lists them.',
	security,
	responses: {
		204: { description: 'All of the caller’s tasks are gone (also when there were none).' },
		409: problemResponse('The caller is the only owner of the workspaces in `workspaces`, which have other members.'),
		...authResponses,
	},
})

/** What a task handler works on: the list, and the caller's role in it (null on the personal list: they own it). */
type Scope = { list: repository.TaskList; role: WorkspaceRole | null }

/** Refuses an action the caller's role does not allow (never on the personal list). */
function permit(scope: Scope, action: 'create' | 'update' | 'clearCompleted'): void {
	if (scope.role !== null && !taskPermissions[action](scope.role)) throw taskForbidden(scope.role, action)
}

/**
 * Whose tasks the caller may delete or restore: anyone's (undefined), only
 * their own (their id: a member), or none (403: a viewer).
 */
function deletableBy(scope: Scope, userId: string): string | undefined {
	if (scope.role === null || taskPermissions.delete(scope.role, false)) return undefined
	if (taskPermissions.delete(scope.role, true)) return userId
	throw taskForbidden(scope.role, 'delete')
}

/** A list request's cursor (none on a first page), checked against its sort and order. */
function listCursor(params: ListTasksParams): DecodedCursor | { ok: true; cursor: undefined } {
	if (params.cursor === undefined) return { ok: true, cursor: undefined }
	return decodeCursor(params.cursor, params.sort, params.order ?? DEFAULT_SORT_ORDER[params.sort])
}

export type TaskRouteOptions = {
	limits?: TaskLimits
	workspaceLimits?: WorkspaceLimits
	/** For the search (OpenedDatabase.customPlanDb); `db` when absent. */
	customPlanDb?: repository.TasksDb
}

export function registerTaskRoutes(app: OpenAPIHono<ApiEnv>, db: repository.TasksDb, options: TaskRouteOptions = {}): void {
	const limits = options.limits ?? DEFAULT_TASK_LIMITS
	const workspaceLimits = options.workspaceLimits ?? DEFAULT_WORKSPACE_LIMITS
	const databases = { db, customPlanDb: options.customPlanDb ?? db }

	for (const kind of ['personal', 'workspace'] as const) {
		const routes = taskRoutes(kind)
		const scopeOf = (c: { var: ApiEnv['Variables'] }): Scope => {
			if (kind === 'personal') return { list: repository.personalList(c.var.userId), role: null }
			const workspace = currentWorkspace(c.var.workspace)
			return { list: repository.workspaceList(workspace.id), role: workspace.role }
		}
		const pathOf = (scope: Scope, id: string) =>
			scope.list.workspaceId === null ? `/v1/tasks/${id}` : `/v1/workspaces/${scope.list.workspaceId}/tasks/${id}`

		app.openapi(routes.list, async (c) => {
			const params = c.req.valid('query')
			const decoded = listCursor(params)
			if (!decoded.ok) {
				const refusal = () => invalidFields([{ field: 'cursor', message: decoded.message }])
				// A workspace's list has not checked membership yet (access.ts readsOwnRole): a non-member gets the 404 first.
				throw kind === 'personal' ? refusal() : await membersFirst(db, c, refusal)
			}
			if (kind === 'personal') {
				const list = repository.personalList(c.var.userId)
				return c.json(await repository.listTasks(databases, list, c.var.userId, params, decoded.cursor), 200)
			}
			// The page query reads the caller's role (access.ts readsOwnRole): none is the middleware's 404.
			const workspaceId = c.req.param('workspaceId') ?? ''
			const page = await repository.listWorkspaceTasks(databases, workspaceId, c.var.userId, params, decoded.cursor)
			if (!page) throw workspaceNotFound()
			return c.json(page, 200)
		})

		app.openapi(routes.create, async (c) => {
			const scope = scopeOf(c)
			permit(scope, 'create')
			const { task: created, replayed } = await createTaskOnce(db, scope.list, c.var.userId, c.req.valid('json'), {
				idempotencyKey: c.req.valid('header')[IDEMPOTENCY_KEY_HEADER],
				limits,
				workspaceLimits,
			})
			c.header('Location', pathOf(scope, created.id))
			if (replayed) c.header('Idempotent-Replayed', 'true')
			return c.json(created, 201)
		})

		app.openapi(routes.clearCompleted, async (c) => {
			const scope = scopeOf(c)
			c.req.valid('query')
			permit(scope, 'clearCompleted')
			const ids = await repository.deleteCompletedTasks(db, scope.list)
			return c.json({ deleted: ids.length, ids }, 200)
		})

		app.openapi(routes.get, async (c) => {
			const found = await repository.getTask(db, scopeOf(c).list, c.req.param('id'))
			if (!found) throw notFound()
			return c.json(found, 200)
		})

		app.openapi(routes.update, async (c) => {
			const scope = scopeOf(c)
			permit(scope, 'update')
			const input = c.req.valid('json')
			await assertAssignable(db, scope.list.workspaceId, input.assigneeId)
			const updated = await repository.updateTask(db, scope.list, c.req.param('id'), input)
			if (!updated) throw notFound()
			return c.json(updated, 200)
		})

		app.openapi(routes.remove, async (c) => {
			const scope = scopeOf(c)
			const outcome = await repository.deleteTask(db, scope.list, c.req.param('id'), deletableBy(scope, c.var.userId))
			if (outcome === 'not-theirs') throw taskForbidden(scope.role!, 'delete')
			if (outcome === 'not-found') throw notFound()
			return c.body(null, 204)
		})

		app.openapi(routes.restore, async (c) => {
			const scope = scopeOf(c)
			const restored = await repository.restoreTask(db, scope.list, c.req.param('id'), deletableBy(scope, c.var.userId))
			if (restored === 'not-theirs') throw taskForbidden(scope.role!, 'delete')
			if (restored === 'not-found') throw notFound()
			return c.json(restored, 200)
		})
	}

	app.openapi(deleteMineRoute, async (c) => {
		await deleteAccountData(db, c.var.userId)
		return c.body(null, 204)
	})
}
