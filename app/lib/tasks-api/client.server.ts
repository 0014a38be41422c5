/**
 * The only way app code talks to the task API about tasks (the BFF client):
 * one client per request, as the signed-in user (middleware.server.ts puts
 * the personal list's in tasksApiContext), on the user's personal list or,
 * with `scope`, on a workspace's (/v1/workspaces/{id}/tasks…: the API checks
 * the user's role there on every call). The calls, tokens and error mapping
 * are api-call.server.ts's (shared with workspaces-client.server.ts).
 *
 * - createTask always sends an Idempotency-Key (the add form's one-time key,
 *   or a new one), so a create whose answer was lost (timeout, dropped
 *   connection, 502/503/504) is retried once with the same key: the API
 *   answers the task it already made instead of making a second one.
 * - In a workspace, a change the user's role does not allow throws
 *   TasksApiForbiddenError with the API's sentence (errors.server.ts).
 */
import {
	deletedCountSchema,
	taskListSchema,
	taskSchema,
	type CreateTaskInput,
	type DeletedCount,
	type ListTasksQuery,
	type Task,
	type UpdateTaskInput,
} from '#common/tasks-contract.ts'
import { z } from 'zod'
import type { ContextReader } from '#app/context.server.ts'
import type { CurrentSession } from '#app/lib/auth/session.server.ts'
import { createApiCaller, notFound, UUID } from './api-call.server.ts'

/**
 * A page of the list as the list page reads it: the contract's task without
 * its timestamps, which the page never shows (nor sends to the browser).
 * They are neither checked nor kept: three ISO date-time patterns per task
 * were most of the answer's validation on every /tasks render.
 */
const listPageSchema = taskListSchema.extend({
	items: z.array(taskSchema.omit({ createdAt: true, updatedAt: true, completedAt: true })),
})
export type TaskListPage = z.infer<typeof listPageSchema>

export type TasksApi = {
	/** `assignee: 'me'`: only the tasks assigned to the user (a workspace's list). */
	listTasks(query?: ListTasksQuery): Promise<TaskListPage>
	getTask(id: string): Promise<Task>
	/** `idempotencyKey`: the add form's one-time key (a new one when absent). */
	createTask(input: CreateTaskInput, options?: { idempotencyKey?: string }): Promise<Task>
	updateTask(id: string, patch: UpdateTaskInput): Promise<Task>
	/** Restorable for TASK_RESTORE_WINDOW_SECONDS (restoreTask). */
	deleteTask(id: string): Promise<void>
	/** Undoes a delete within its window; a thrown 404 when too late or unknown. */
	restoreTask(id: string): Promise<Task>
	clearCompleted(): Promise<DeletedCount>
	/**
	 * Account deletion: the user's personal tasks, memberships, and the
	 * workspaces they were alone in. TasksApiConflictError (extra.workspaces)
	 * while they alone own a workspace with other members.
	 */
	deleteAllMyTasks(): Promise<void>
	/**
	 * Whether a call of this request already found the API unavailable: after
	 * a failed form post (no JavaScript), the page renders with the user's
	 * input and the form's message instead of the outage page.
	 */
	readonly unavailableEarlier: boolean
}

/** A workspace's list instead of the user's personal one. */
export type TasksScope = { workspaceId: string }

/** The task API as the user of `current` (no network until a call is made). */
export function createTasksApi(request: Request, context: ContextReader, current: CurrentSession, scope?: TasksScope): TasksApi {
	const caller = createApiCaller(request, context, current)
	const { call, parse } = caller
	if (scope && !UUID.test(scope.workspaceId)) notFound()
	const base = scope ? `/v1/workspaces/${encodeURIComponent(scope.workspaceId)}/tasks` : '/v1/tasks'
	const taskPath = (id: string) => {
		if (!UUID.test(id)) notFound()
		return `${base}/${encodeURIComponent(id)}`
	}

	return {
		async listTasks(query = {}) {
			const search = new URLSearchParams()
			for (const [key, value] of Object.entries(query)) {
				if (value !== undefined && value !== null && value !== '') search.set(key, String(value))
			}
			const qs = search.toString()
			return parse(listPageSchema, await call({ method: 'GET', path: `${base}${qs ? `?${qs}` : ''}` }))
		},
		async getTask(id) {
			return parse(taskSchema, await call({ method: 'GET', path: taskPath(id) }))
		},
		async createTask(input, options = {}) {
			const idempotencyKey = options.idempotencyKey ?? crypto.randomUUID()
			return parse(taskSchema, await call({ method: 'POST', path: base, body: input, idempotencyKey }))
		},
		async updateTask(id, patch) {
			return parse(taskSchema, await call({ method: 'PATCH', path: taskPath(id), body: patch }))
		},
		async deleteTask(id) {
			await call({ method: 'DELETE', path: taskPath(id), expected: 'empty' })
		},
		async restoreTask(id) {
			return parse(taskSchema, await call({ method: 'POST', path: `${taskPath(id)}/restore` }))
		},
		async clearCompleted() {
			return parse(deletedCountSchema, await call({ method: 'DELETE', path: `${base}?status=completed` }))
		},
		async deleteAllMyTasks() {
			await call({ method: 'DELETE', path: '/v1/me/tasks', expected: 'empty' })
		},
		get unavailableEarlier() {
			return caller.unavailableEarlier
		},
	}
}
