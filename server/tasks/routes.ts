/**
 * /v1 routes: declared once with @hono/zod-openapi, so the same zod schemas
 * validate requests and describe them in GET /openapi.json.
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
	problemSchema,
	taskListSchema,
	taskSchema,
	TASK_RESTORE_WINDOW_SECONDS,
	updateTaskInputSchema,
} from '#common/tasks-contract.ts'
import type { ApiEnv } from '#server/context.ts'
import { invalidFields, notFound } from '#server/problem.ts'
import { createTaskOnce } from './create.ts'
import { decodeCursor } from './cursor.ts'
import { DEFAULT_TASK_LIMITS, type TaskLimits } from './limits.ts'
import * as repository from './repository.ts'

const problemContent = { 'application/problem+json': { schema: problemSchema } }
const problemResponse = (description: string) => ({ description, content: problemContent })
const authResponses = {
	401: problemResponse('Missing, invalid or expired bearer token (see WWW-Authenticate).'),
	503: problemResponse('The signing keys cannot be fetched right now (see Retry-After).'),
}
const security = [{ bearerAuth: [] }]
const taskIdParams = z.object({
	id: z.string().meta({ param: { name: 'id', in: 'path' }, description: 'The task id (a uuid).' }),
})
const notFoundResponse = problemResponse('No such task for this user (unknown, malformed or someone else’s id).')
const invalid = problemResponse('Invalid fields: `errors` lists them as { field, message }.')
const jsonBody = <T extends z.ZodType>(schema: T) => ({
	required: true,
	content: { 'application/json': { schema } },
})

const listRoute = createRoute({
	method: 'get',
	path: '/v1/tasks',
	summary: 'List the caller’s tasks',
	description:
		'Filtered by status and search (`q`, case-insensitive, in title and notes), sorted, and paginated by an opaque cursor (keyset: stable under inserts). `counts` are the caller’s totals whatever the filter. Default order: created desc, due asc (no due date last), priority desc (high first).',
	security,
	request: { query: listTasksQuerySchema },
	responses: {
		200: { description: 'A page of tasks.', content: { 'application/json': { schema: taskListSchema } } },
		422: invalid,
		...authResponses,
	},
})

const createTaskRoute = createRoute({
	method: 'post',
	path: '/v1/tasks',
	summary: 'Create a task',
	description: `With an \`${IDEMPOTENCY_KEY_HEADER}\` header the create happens at most once per key and user for ${IDEMPOTENCY_KEY_TTL_HOURS} hours: a retry (same key, same fields) answers the original task. Each account may hold a limited number of tasks (422 when reached) and create a limited number per minute (429 with \`Retry-After\`); a replay counts for neither.`,
	security,
	request: { headers: createTaskHeadersSchema, body: jsonBody(createTaskInputSchema) },
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
		413: problemResponse('Body over 64 KiB.'),
		415: problemResponse('Content-Type is not application/json.'),
		422: problemResponse(
			`Invalid fields or \`${IDEMPOTENCY_KEY_HEADER}\` (\`errors\` lists them as { field, message }); the key was already used with different fields (field \`${IDEMPOTENCY_KEY_HEADER}\`); or the account holds the most tasks it may (TASKS_MAX_PER_USER; field "").`,
		),
		429: {
			description: 'Too many tasks created by this account in the current minute (TASKS_CREATES_PER_MINUTE).',
			headers: z.object({ 'Retry-After': z.string().meta({ description: 'Seconds until the next minute window.' }) }),
			content: problemContent,
		},
		...authResponses,
	},
})

const clearCompletedRoute = createRoute({
	method: 'delete',
	path: '/v1/tasks',
	summary: 'Delete the caller’s completed tasks',
	description: `Each one is restorable for ${TASK_RESTORE_WINDOW_SECONDS} seconds with POST /v1/tasks/{id}/restore (its id is in \`ids\`).`,
	security,
	request: { query: clearTasksQuerySchema },
	responses: {
		200: { description: 'How many tasks went, and their ids.', content: { 'application/json': { schema: deletedCountSchema } } },
		422: invalid,
		...authResponses,
	},
})

const getTaskRoute = createRoute({
	method: 'get',
	path: '/v1/tasks/{id}',
	summary: 'Read one task',
	security,
	request: { params: taskIdParams },
	responses: {
		200: { description: 'The task.', content: { 'application/json': { schema: taskSchema } } },
		404: notFoundResponse,
		...authResponses,
	},
})

const updateTaskRoute = createRoute({
	method: 'patch',
	path: '/v1/tasks/{id}',
	summary: 'Change some fields of a task',
	description:
		'Partial update. `completed: true` sets `completedAt` (kept if already set), `false` clears it. `null` clears notes or dueDate.',
	security,
	request: { params: taskIdParams, body: jsonBody(updateTaskInputSchema) },
	responses: {
		200: { description: 'The updated task.', content: { 'application/json': { schema: taskSchema } } },
		400: problemResponse('Malformed JSON.'),
		404: notFoundResponse,
		413: problemResponse('Body over 64 KiB.'),
		415: problemResponse('Content-Type is not application/json.'),
		422: invalid,
		...authResponses,
	},
})

const deleteTaskRoute = createRoute({
	method: 'delete',
	path: '/v1/tasks/{id}',
	summary: 'Delete a task',
	description: `The task leaves every list, count and read at once; it can be restored for ${TASK_RESTORE_WINDOW_SECONDS} seconds (POST /v1/tasks/{id}/restore), then it is purged for good.`,
	security,
	request: { params: taskIdParams },
	responses: {
		204: { description: 'Deleted.' },
		404: notFoundResponse,
		...authResponses,
	},
})

const restoreTaskRoute = createRoute({
	method: 'post',
	path: '/v1/tasks/{id}/restore',
	summary: 'Undo a delete',
	description: `Brings back a task deleted (alone or by clearing completed tasks) less than ${TASK_RESTORE_WINDOW_SECONDS} seconds ago, as it was.`,
	security,
	request: { params: taskIdParams },
	responses: {
		200: { description: 'The restored task.', content: { 'application/json': { schema: taskSchema } } },
		404: problemResponse(
			`No deleted task with this id for this user within the last ${TASK_RESTORE_WINDOW_SECONDS} seconds (unknown, not deleted, too late, or someone else’s).`,
		),
		...authResponses,
	},
})

const deleteMineRoute = createRoute({
	method: 'delete',
	path: '/v1/me/tasks',
	summary: 'Delete all of the caller’s tasks (account deletion)',
	security,
	responses: {
		204: { description: 'All of the caller’s tasks are gone (also when there were none).' },
		...authResponses,
	},
})

export function registerTaskRoutes(
	app: OpenAPIHono<ApiEnv>,
	db: repository.TasksDb,
	limits: TaskLimits = DEFAULT_TASK_LIMITS,
	customPlanDb: repository.TasksDb = db,
): void {
	app.openapi(listRoute, async (c) => {
		const params = c.req.valid('query')
		const order = params.order ?? DEFAULT_SORT_ORDER[params.sort]
		let cursor
		if (params.cursor !== undefined) {
			const decoded = decodeCursor(params.cursor, params.sort, order)
			if (!decoded.ok) throw invalidFields([{ field: 'cursor', message: decoded.message }])
			cursor = decoded.cursor
		}
		const list = await repository.listTasks({ db, customPlanDb }, c.var.userId, params, cursor)
		return c.json(list, 200)
	})

	app.openapi(createTaskRoute, async (c) => {
		const { task: created, replayed } = await createTaskOnce(db, c.var.userId, c.req.valid('json'), {
			idempotencyKey: c.req.valid('header')[IDEMPOTENCY_KEY_HEADER],
			limits,
		})
		c.header('Location', `/v1/tasks/${created.id}`)
		if (replayed) c.header('Idempotent-Replayed', 'true')
		return c.json(created, 201)
	})

	app.openapi(clearCompletedRoute, async (c) => {
		c.req.valid('query')
		const ids = await repository.deleteCompletedTasks(db, c.var.userId)
		return c.json({ deleted: ids.length, ids }, 200)
	})

	app.openapi(getTaskRoute, async (c) => {
		const found = await repository.getTask(db, c.var.userId, c.req.valid('param').id)
		if (!found) throw notFound()
		return c.json(found, 200)
	})

	app.openapi(updateTaskRoute, async (c) => {
		const updated = await repository.updateTask(db, c.var.userId, c.req.valid('param').id, c.req.valid('json'))
		if (!updated) throw notFound()
		return c.json(updated, 200)
	})

	app.openapi(deleteTaskRoute, async (c) => {
		const deleted = await repository.deleteTask(db, c.var.userId, c.req.valid('param').id)
		if (!deleted) throw notFound()
		return c.body(null, 204)
	})

	app.openapi(restoreTaskRoute, async (c) => {
		const restored = await repository.restoreTask(db, c.var.userId, c.req.valid('param').id)
		if (!restored) throw notFound()
		return c.json(restored, 200)
	})

	app.openapi(deleteMineRoute, async (c) => {
		await repository.deleteAllTasks(db, c.var.userId)
		return c.body(null, 204)
	})
}
