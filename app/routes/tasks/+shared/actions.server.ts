/**
 * The task mutations shared by the task routes' actions: validate with the
 * form schemas, call the task API through the BFF client, put a one-time
 * notice in the flash cookie, then either redirect (post/redirect/get: back
 * to the list view the form was posted from, read from `request.url`) or,
 * for a fetcher submission (`js=1`), answer data.
 */
import { parseWithZod } from '@conform-to/zod/v4'
import { data, redirect } from 'react-router'
import {
	ADD_KEY_FIELD,
	AddKeySchema,
	TaskFormSchema,
	TaskIdSchema,
	TimeZoneSchema,
	ToggleSchema,
	UndoSchema,
	type TaskFormValues,
} from './schemas.ts'
import { listBaseOf } from '#app/lib/task-lists.ts'
import { auth } from '#app/lib/auth/better-auth.server.ts'
import { taskAnchor } from './view.ts'
import { flashHeaders, type FlashInput } from '#app/lib/flash.server.ts'
import { authHeaders } from '#app/lib/auth/session.server.ts'
import {
	ADD_KEY_REUSED_MESSAGE,
	addRateLimitedMessage,
	clearedMessage,
	listHref,
	NOTICES,
	UNAVAILABLE_MESSAGE,
	UNDO_TOO_LATE_MESSAGE,
	viewParams,
} from './view.ts'
import {
	TasksApiForbiddenError,
	TasksApiRateLimitedError,
	TasksApiUnavailableError,
	TasksApiValidationError,
} from '#app/lib/tasks-api/errors.server.ts'
import { IDEMPOTENCY_KEY_HEADER, TASK_RESTORE_WINDOW_SECONDS } from '#common/tasks-contract.ts'
import { tasksApiContext, workspaceContext, type ContextReader } from '#app/context.server.ts'

/** Empty strings are "no value": the API stores null. "Assigned to" exists only in a workspace. */
function formToInput(value: TaskFormValues, inWorkspace: boolean) {
	return {
		title: value.title,
		notes: value.notes?.trim() ? value.notes : null,
		dueDate: value.dueDate ?? null,
		priority: value.priority,
		...(inWorkspace ? { assigneeId: value.assigneeId ?? null } : {}),
	}
}

/**
 * Where a form goes back to: the list page it was posted from (its view and
 * page, from the URL it was posted to), or from a task's own pages the list
 * with their view. The list is the personal one or the workspace's
 * (app/lib/task-lists.ts).
 */
function backToList(request: Request): string {
	const url = new URL(request.url)
	const base = listBaseOf(url.pathname)
	return url.pathname === base ? `${base}${url.search}` : listHref(viewParams(url.searchParams), base)
}

async function done(request: Request, formData: FormData, flash: FlashInput, completed?: boolean) {
	const headers = await flashHeaders(request, flash)
	if (formData.get('js') === '1') return data({ ok: true as const, error: undefined, completed }, { headers })
	throw redirect(backToList(request), { headers })
}

function failed(message: string, status: number) {
	return data({ ok: false as const, error: message }, { status })
}

/** The notice after a delete: "Undo" for as long as the task API can restore. */
function deletedFlash(message: string, ids: string[]): FlashInput {
	return ids.length ? { message, undo: { ids, until: Date.now() + TASK_RESTORE_WINDOW_SECONDS * 1000 } } : { message }
}

/**
 * The add form's one-time key. A missing or malformed one (a page rendered
 * before keys existed, a hand-made post) gets a new key: no deduplication
 * across submits then, but the BFF's own retry stays safe.
 */
function addKeyOf(formData: FormData): string {
	const parsed = AddKeySchema.safeParse(formData.get(ADD_KEY_FIELD))
	return parsed.success ? parsed.data : crypto.randomUUID()
}

/**
 * The add form (intent=create) and the edit form (intent=update). A failed
 * add answers the key it used (`addKey`), which the form renders again: the
 * outcome of a create that timed out is unknown, and submitting the same
 * values again must not add the task twice.
 */
export async function saveTask(request: Request, context: ContextReader, formData: FormData, taskId?: string) {
	let addKey = taskId ? undefined : addKeyOf(formData)
	const submission = parseWithZod(formData, { schema: TaskFormSchema })
	if (submission.status !== 'success') {
		return data({ result: submission.reply(), addKey }, { status: 400 })
	}
	const api = context.get(tasksApiContext)
	try {
		const input = formToInput(submission.value, context.get(workspaceContext) !== null)
		if (taskId) {
			await api.updateTask(taskId, input)
		} else {
			await api.createTask(input, { idempotencyKey: addKey })
		}
	} catch (error) {
		if (error instanceof TasksApiValidationError) {
			if (error.errors.some((entry) => entry.field === IDEMPOTENCY_KEY_HEADER)) {
				// The key went with other values: a fresh key for the next submit.
				addKey = crypto.randomUUID()
				return data({ result: submission.reply({ formErrors: [ADD_KEY_REUSED_MESSAGE] }), addKey }, { status: 422 })
			}
			const { '': formErrors, ...fieldErrors } = error.fieldErrors
			return data({ result: submission.reply({ fieldErrors, formErrors }), addKey }, { status: 422 })
		}
		if (error instanceof TasksApiRateLimitedError) {
			return data(
				{ result: submission.reply({ formErrors: [addRateLimitedMessage(error.retryAfterSeconds)] }), addKey },
				{ status: 429, headers: { 'Retry-After': String(error.retryAfterSeconds) } },
			)
		}
		if (error instanceof TasksApiUnavailableError) {
			return data({ result: submission.reply({ formErrors: [UNAVAILABLE_MESSAGE] }), addKey }, { status: 503 })
		}
		// The caller's role (as the task API sees it now) does not allow this: its words, the input kept.
		if (error instanceof TasksApiForbiddenError) {
			return data({ result: submission.reply({ formErrors: [error.detail] }), addKey }, { status: 403 })
		}
		throw error
	}
	// After an edit the list scrolls to the task and marks it briefly (#task-<id>: see TaskItem).
	const to = taskId ? `${backToList(request)}#${taskAnchor(taskId)}` : backToList(request)
	throw redirect(to, { headers: await flashHeaders(request, { message: taskId ? NOTICES.saved : NOTICES.added }) })
}

export async function toggleTask(request: Request, context: ContextReader, formData: FormData) {
	const parsed = ToggleSchema.safeParse({ id: formData.get('id'), completed: formData.get('completed') })
	if (!parsed.success) return failed('That task could not be changed.', 400)
	const api = context.get(tasksApiContext)
	try {
		await api.updateTask(parsed.data.id, { completed: parsed.data.completed })
	} catch (error) {
		if (error instanceof TasksApiUnavailableError) return failed(`The task was not changed. ${UNAVAILABLE_MESSAGE}`, 503)
		if (error instanceof TasksApiForbiddenError) return failed(error.detail, 403)
		throw error
	}
	// The new state goes back with a fetcher's answer: a row appended by "Load more" is not revalidated.
	return done(request, formData, { message: parsed.data.completed ? NOTICES.completed : NOTICES.reopened }, parsed.data.completed)
}

export async function deleteTask(request: Request, context: ContextReader, formData: FormData, id: unknown) {
	const parsed = TaskIdSchema.safeParse({ id })
	if (!parsed.success) throw new Response('Not Found', { status: 404 })
	const api = context.get(tasksApiContext)
	try {
		await api.deleteTask(parsed.data.id)
	} catch (error) {
		if (error instanceof TasksApiUnavailableError) return failed(`The task was not deleted. ${UNAVAILABLE_MESSAGE}`, 503)
		if (error instanceof TasksApiForbiddenError) return failed(error.detail, 403)
		throw error
	}
	return done(request, formData, deletedFlash(NOTICES.deleted, [parsed.data.id]))
}

export async function clearCompleted(request: Request, context: ContextReader, formData: FormData) {
	const api = context.get(tasksApiContext)
	let ids: string[]
	try {
		;({ ids } = await api.clearCompleted())
	} catch (error) {
		if (error instanceof TasksApiUnavailableError) return failed(`Nothing was cleared. ${UNAVAILABLE_MESSAGE}`, 503)
		if (error instanceof TasksApiForbiddenError) return failed(error.detail, 403)
		throw error
	}
	return done(request, formData, deletedFlash(clearedMessage(ids.length), ids))
}

/** "Undo" after a delete or "Clear completed": restores every id it can; past the window, says so. */
export async function undoDelete(request: Request, context: ContextReader, formData: FormData) {
	const parsed = UndoSchema.safeParse({ ids: formData.getAll('id') })
	if (!parsed.success) return failed('Nothing to undo.', 400)
	const api = context.get(tasksApiContext)
	const outcomes = await Promise.allSettled(parsed.data.ids.map((id) => api.restoreTask(id)))
	const refused = outcomes.filter((outcome) => outcome.status === 'rejected').map((outcome) => outcome.reason as unknown)
	if (refused.some((reason) => reason instanceof TasksApiUnavailableError)) {
		return failed(`Nothing was restored. ${UNAVAILABLE_MESSAGE}`, 503)
	}
	const forbidden = refused.find((reason): reason is TasksApiForbiddenError => reason instanceof TasksApiForbiddenError)
	if (forbidden) return failed(forbidden.detail, 403)
	// A thrown 404 Response: not deleted, too late, or not this user's.
	const unexpected = refused.find((reason) => !(reason instanceof Response && reason.status === 404))
	if (unexpected) throw unexpected
	if (refused.length) return done(request, formData, { message: UNDO_TOO_LATE_MESSAGE, kind: 'error' })
	return done(request, formData, { message: parsed.data.ids.length > 1 ? NOTICES.restoredMany : NOTICES.restored })
}

/** The browser's time zone (sent when JavaScript runs), remembered on the account for due dates. */
export async function rememberTimeZone(request: Request, context: ContextReader, formData: FormData) {
	const parsed = TimeZoneSchema.safeParse({ timeZone: formData.get('timeZone') })
	if (!parsed.success) return failed('Unknown time zone.', 400)
	await auth.api.updateUser({ body: { timeZone: parsed.data.timeZone }, headers: authHeaders(request, context) })
	return data({ ok: true as const, error: undefined })
}
