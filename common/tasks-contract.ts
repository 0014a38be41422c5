/**
 * The task API's contract: the zod schemas that validate its requests, shape
 * its responses and generate its OpenAPI document (GET /openapi.json), shared
 * with the app's BFF client so both sides agree on one definition.
 * Plain zod (no Hono import): `.meta({ id })` names a schema in OpenAPI.
 *
 * Inputs are strict: an unknown field is a 422, never silently dropped, so a
 * typo in a client (`complete` for `completed`) cannot pass unnoticed.
 */
import { z } from 'zod'
import { CONTROL_CHARACTERS_MESSAGE, hasControlCharacters } from './text-safety.ts'
import {
	SORT_ORDERS,
	TASK_LIST_DEFAULT_LIMIT,
	TASK_LIST_MAX_LIMIT,
	TASK_NOTES_MAX_LENGTH,
	TASK_PRIORITIES,
	TASK_RESTORE_WINDOW_SECONDS,
	TASK_SEARCH_MAX_LENGTH,
	TASK_SORTS,
	TASK_STATUSES,
	TASK_TITLE_MAX_LENGTH,
} from './tasks-limits.ts'
import { WORKSPACE_ROLES } from './workspace-roles.ts'

// The plain values (no zod) live in tasks-limits.ts, for the browser.
export * from './tasks-limits.ts'

export const taskPrioritySchema = z.enum(TASK_PRIORITIES, { error: 'must be one of low, normal, high' }).meta({ id: 'TaskPriority' })
export type TaskPriority = z.infer<typeof taskPrioritySchema>

export const taskStatusSchema = z.enum(TASK_STATUSES, { error: 'must be one of all, active, completed' })
export type TaskStatus = z.infer<typeof taskStatusSchema>

export const taskSortSchema = z.enum(TASK_SORTS, { error: 'must be one of created, due, priority' })
export type TaskSort = z.infer<typeof taskSortSchema>

export const sortOrderSchema = z.enum(SORT_ORDERS, { error: 'must be asc or desc' })
export type SortOrder = z.infer<typeof sortOrderSchema>

/** A calendar date, YYYY-MM-DD, that exists (no 2025-02-30, no year 0). */
export const calendarDateSchema = z.iso
	.date({ error: 'must be a date (YYYY-MM-DD)' })
	.refine((value) => !value.startsWith('0000'), 'must be a date (YYYY-MM-DD)')

const stringError = (issue: { input: unknown }) => (issue.input === undefined ? 'is required' : 'must be a string')

/**
 * A user id to assign a task to (users are uuids), or null for nobody. Only
 * a workspace's tasks can be assigned, and only to its current members.
 */
const assigneeSchema = z
	.uuid({ error: 'must be a user id' })
	.nullable()
	.optional()
	.meta({ description: 'A current member of the workspace (user id), or null for nobody. On the personal list only null is accepted.' })
/** Postgres text cannot hold U+0000. */
const noNulCharacter = (value: string) => !value.includes('\u0000')

const titleSchema = z
	.string({ error: stringError })
	.trim()
	.min(1, 'is required')
	.max(TASK_TITLE_MAX_LENGTH, `must be at most ${TASK_TITLE_MAX_LENGTH} characters`)
	// NUL included (Postgres text cannot hold it); see common/text-safety.ts.
	.refine((value) => !hasControlCharacters(value), CONTROL_CHARACTERS_MESSAGE)

const notesSchema = z
	.string({ error: stringError })
	.max(TASK_NOTES_MAX_LENGTH, `must be at most ${TASK_NOTES_MAX_LENGTH} characters`)
	// Line breaks and tabs are fine in notes.
	.refine((value) => !hasControlCharacters(value, { multiline: true }), CONTROL_CHARACTERS_MESSAGE)

export const taskSchema = z
	.object({
		id: z.uuid(),
		title: z.string(),
		/** null when the task has no notes. */
		notes: z.string().nullable(),
		completed: z.boolean(),
		dueDate: z.iso.date().nullable(),
		priority: taskPrioritySchema,
		createdAt: z.iso.datetime(),
		updatedAt: z.iso.datetime(),
		/** When it was (last) marked completed; null while active. */
		completedAt: z.iso.datetime().nullable(),
		/** The user who created it (on a personal list, its owner). */
		createdBy: z.string(),
		/** The member it is assigned to (workspace tasks only); null when nobody. */
		assigneeId: z.string().nullable(),
	})
	.meta({ id: 'Task' })
export type Task = z.infer<typeof taskSchema>

/** POST /v1/tasks. Empty (or blank) notes are stored as null. */
export const createTaskInputSchema = z
	.strictObject({
		title: titleSchema,
		notes: notesSchema.nullable().optional(),
		dueDate: calendarDateSchema.nullable().optional(),
		priority: taskPrioritySchema.optional(),
		completed: z.boolean({ error: 'must be true or false' }).optional(),
		assigneeId: assigneeSchema,
	})
	.meta({ id: 'CreateTaskInput' })
export type CreateTaskInput = z.input<typeof createTaskInputSchema>

/** PATCH /v1/tasks/:id: any subset; null clears notes or dueDate. */
export const updateTaskInputSchema = z
	.strictObject({
		title: titleSchema.optional(),
		notes: notesSchema.nullable().optional(),
		dueDate: calendarDateSchema.nullable().optional(),
		priority: taskPrioritySchema.optional(),
		completed: z.boolean({ error: 'must be true or false' }).optional(),
		assigneeId: assigneeSchema,
	})
	.meta({ id: 'UpdateTaskInput' })
export type UpdateTaskInput = z.input<typeof updateTaskInputSchema>

/** GET /v1/tasks query string. */
export const listTasksQuerySchema = z.object({
	status: taskStatusSchema.default('all').meta({ description: 'Which tasks: all, active (not completed) or completed.' }),
	q: z
		.string()
		.trim()
		.max(TASK_SEARCH_MAX_LENGTH, `must be at most ${TASK_SEARCH_MAX_LENGTH} characters`)
		.refine(noNulCharacter, 'must not contain NUL characters')
		.optional()
		.meta({ description: 'Case-insensitive search in title and notes (% and _ are literal).' }),
	assignee: z.literal('me', { error: 'must be me' }).optional().meta({ description: '`me`: only the tasks assigned to the caller.' }),
	sort: taskSortSchema.default('created'),
	/** Defaults per sort: created desc, due asc, priority desc. */
	order: sortOrderSchema.optional().meta({
		description:
			'Default per sort: created desc, due asc (earliest first, so overdue tasks lead; no due date last), priority desc (high first). Tasks without a due date come last in both due orders.',
	}),
	limit: z.coerce
		.number({ error: 'must be a whole number' })
		.int('must be a whole number')
		.min(1, `must be between 1 and ${TASK_LIST_MAX_LIMIT}`)
		.max(TASK_LIST_MAX_LIMIT, `must be between 1 and ${TASK_LIST_MAX_LIMIT}`)
		.default(TASK_LIST_DEFAULT_LIMIT),
	/** Opaque: the `nextCursor` of the previous page, with the same sort and order. */
	cursor: z
		.string()
		.min(1)
		.max(1024, 'is not a valid cursor')
		.optional()
		.meta({ description: 'The previous page’s nextCursor (same sort and order).' }),
})
export type ListTasksQuery = z.input<typeof listTasksQuerySchema>
export type ListTasksParams = z.output<typeof listTasksQuerySchema>

export const taskCountsSchema = z
	.object({
		all: z.number().int(),
		active: z.number().int(),
		completed: z.number().int(),
	})
	.meta({ id: 'TaskCounts' })
export type TaskCounts = z.infer<typeof taskCountsSchema>

export const taskListSchema = z
	.object({
		items: z.array(taskSchema),
		/** Pass as `cursor` for the next page; null on the last page. */
		nextCursor: z.string().nullable(),
		/** The list's totals, whatever the filter, search or page. */
		counts: taskCountsSchema,
		/** A workspace's list only: the caller's role in it, as of this request. */
		role: z.enum(WORKSPACE_ROLES).optional(),
	})
	.meta({ id: 'TaskList' })
export type TaskList = z.infer<typeof taskListSchema>

/** DELETE /v1/tasks?status=completed: how many tasks went, and which (to restore). (DELETE /v1/me/tasks answers 204.) */
export const deletedCountSchema = z
	.object({
		deleted: z.number().int(),
		ids: z.array(z.uuid()).meta({ description: `The deleted tasks, restorable for ${TASK_RESTORE_WINDOW_SECONDS} seconds.` }),
	})
	.meta({ id: 'DeletedCount' })
export type DeletedCount = z.infer<typeof deletedCountSchema>

export const clearTasksQuerySchema = z.object({
	status: z.literal('completed', { error: 'must be completed (only completed tasks can be cleared)' }),
})

/**
 * POST /v1/tasks `Idempotency-Key`: 1–255 visible ASCII characters (inner
 * spaces allowed). The app sends a random UUID rendered into each add form.
 */
export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key'
export const IDEMPOTENCY_KEY_MAX_LENGTH = 255
/** How long the API remembers a key (and replays its task). */
export const IDEMPOTENCY_KEY_TTL_HOURS = 24
export const idempotencyKeySchema = z
	.string()
	.max(IDEMPOTENCY_KEY_MAX_LENGTH, `must be at most ${IDEMPOTENCY_KEY_MAX_LENGTH} characters`)
	.regex(/^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/, `must be 1–${IDEMPOTENCY_KEY_MAX_LENGTH} printable ASCII characters`)

export const createTaskHeadersSchema = z.object({
	[IDEMPOTENCY_KEY_HEADER]: idempotencyKeySchema.optional().meta({
		description: `Makes the create safe to retry: a repeat with the same key (same user, within ${IDEMPOTENCY_KEY_TTL_HOURS} h) answers the task it created (same id, 201, \`Idempotent-Replayed: true\`) instead of creating another; the same key with different fields is a 422. A concurrent duplicate waits for the first and gets its task. Use a new random value (e.g. a UUID) for each new task. Without it, every POST creates a task.`,
		example: '5f0c7a52-3d4e-4b8e-9a43-2c1f7b0e6d18',
	}),
})

/** RFC 9457 problem details, as every error of the API is answered. */
export const problemSchema = z
	.object({
		type: z.string(),
		title: z.string(),
		status: z.number().int(),
		detail: z.string().optional(),
		instance: z.string().optional(),
		/** 422 only: one entry per invalid field ("" for the body as a whole). */
		errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
		/** 409 on DELETE /v1/me/tasks only: the workspaces the caller alone owns while others belong to them. */
		workspaces: z.array(z.string()).optional(),
	})
	.meta({ id: 'Problem' })
export type Problem = z.infer<typeof problemSchema>
export type FieldError = { field: string; message: string }
