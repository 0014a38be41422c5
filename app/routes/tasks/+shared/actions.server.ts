/**
 * The task mutations shared by the task routes' actions: validate with the
 * form schemas, call the task API through the BFF client, then either
 * redirect (post/redirect/get, keeping status, q, sort and order, with a
 * notice code) or, for a fetcher submission (`js=1`), answer data.
 */
import { parseWithZod } from '@conform-to/zod/v4'
import { data, redirect } from 'react-router'
import { ADD_KEY_FIELD, AddKeySchema, TaskFormSchema, TaskIdSchema, ToggleSchema } from '#app/lib/schemas/tasks.ts'
import { ADD_KEY_REUSED_MESSAGE, addRateLimitedMessage, listHref, viewParams, type NoticeCode } from './view.ts'
import {
	tasksApiContext,
	TasksApiRateLimitedError,
	TasksApiUnavailableError,
	TasksApiValidationError,
	UNAVAILABLE_MESSAGE,
} from './tasks-api.server.ts'
import { IDEMPOTENCY_KEY_HEADER } from '#common/tasks-contract.ts'
import type { ContextReader } from '#app/lib/request-context.server.ts'

/** Empty strings are "no value": the API stores null. */
function formToInput(value: { title: string; notes?: string; dueDate?: string; priority: 'low' | 'normal' | 'high' }) {
	return {
		title: value.title,
		notes: value.notes?.trim() ? value.notes : null,
		dueDate: value.dueDate ?? null,
		priority: value.priority,
	}
}

function done(formData: FormData, notice: NoticeCode, to?: string) {
	if (formData.get('js') === '1') return data({ ok: true as const, notice, error: undefined })
	throw redirect(to ?? listHref(viewParams(formData), notice))
}

function failed(formData: FormData, message: string, status: number) {
	return data({ ok: false as const, notice: undefined, error: message }, { status })
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
		const input = formToInput(submission.value)
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
		throw error
	}
	const view = viewParams(formData)
	if (taskId) throw redirect(listHref(view, 'saved'))
	throw redirect(listHref(view, 'added'))
}

export async function toggleTask(request: Request, context: ContextReader, formData: FormData) {
	const parsed = ToggleSchema.safeParse({ id: formData.get('id'), completed: formData.get('completed') })
	if (!parsed.success) return failed(formData, 'That task could not be changed.', 400)
	const api = context.get(tasksApiContext)
	try {
		await api.updateTask(parsed.data.id, { completed: parsed.data.completed })
	} catch (error) {
		if (error instanceof TasksApiUnavailableError) return failed(formData, `The task was not changed. ${UNAVAILABLE_MESSAGE}`, 503)
		throw error
	}
	return done(formData, parsed.data.completed ? 'completed' : 'reopened')
}

export async function deleteTask(request: Request, context: ContextReader, formData: FormData, id: unknown) {
	const parsed = TaskIdSchema.safeParse({ id })
	if (!parsed.success) throw new Response('Not Found', { status: 404 })
	const api = context.get(tasksApiContext)
	try {
		await api.deleteTask(parsed.data.id)
	} catch (error) {
		if (error instanceof TasksApiUnavailableError) return failed(formData, `The task was not deleted. ${UNAVAILABLE_MESSAGE}`, 503)
		throw error
	}
	return done(formData, 'deleted')
}

export async function clearCompleted(request: Request, context: ContextReader, formData: FormData) {
	const api = context.get(tasksApiContext)
	try {
		await api.clearCompleted()
	} catch (error) {
		if (error instanceof TasksApiUnavailableError) return failed(formData, `Nothing was cleared. ${UNAVAILABLE_MESSAGE}`, 503)
		throw error
	}
	return done(formData, 'cleared')
}
