/**
 * Schemas of the task forms, built from the task API's contract and shared by
 * the browser (conform) and the server (the actions). No server imports here.
 */
import { z } from 'zod'
import {
	SORT_ORDERS,
	TASK_NOTES_MAX_LENGTH,
	TASK_PRIORITIES,
	TASK_SEARCH_MAX_LENGTH,
	TASK_SORTS,
	TASK_STATUSES,
	TASK_TITLE_MAX_LENGTH,
} from '../../../common/tasks-contract.ts'
import { hasControlCharacters } from '../../../common/text-safety.ts'

export { TASK_PRIORITIES, TASK_NOTES_MAX_LENGTH, TASK_TITLE_MAX_LENGTH }

export const PRIORITY_LABELS: Record<(typeof TASK_PRIORITIES)[number], string> = {
	low: 'Low',
	normal: 'Normal',
	high: 'High',
}

const DATE = /^\d{4}-\d{2}-\d{2}$/
function isCalendarDate(value: string) {
	if (!DATE.test(value) || value.startsWith('0000')) return false
	const date = new Date(`${value}T00:00:00Z`)
	return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value)
}

/** Add and edit: the same fields. Empty fields arrive as undefined (conform). */
export const TaskFormSchema = z.object({
	title: z
		.string({ error: 'Title is required' })
		.trim()
		.min(1, 'Title is required')
		.max(TASK_TITLE_MAX_LENGTH, `Title must be at most ${TASK_TITLE_MAX_LENGTH} characters`)
		.refine((value) => !hasControlCharacters(value), "Title can't contain control characters"),
	notes: z
		.string()
		.max(TASK_NOTES_MAX_LENGTH, `Notes must be at most ${TASK_NOTES_MAX_LENGTH} characters`)
		.refine((value) => !hasControlCharacters(value, { multiline: true }), "Notes can't contain control characters")
		.optional(),
	dueDate: z
		.string()
		.refine(isCalendarDate, 'Due date must be a valid date (YYYY-MM-DD)')
		.optional(),
	priority: z.enum(TASK_PRIORITIES, { error: 'Choose a priority: low, normal or high' }).default('normal'),
})
export type TaskFormValues = z.output<typeof TaskFormSchema>

export const TaskIdSchema = z.object({ id: z.uuid({ error: 'Unknown task' }) })

export const ToggleSchema = z.object({
	id: z.uuid({ error: 'Unknown task' }),
	completed: z.enum(['true', 'false']).transform((value) => value === 'true'),
})

export const INTENTS = ['create', 'toggle', 'delete', 'clear-completed', 'update'] as const
export type Intent = (typeof INTENTS)[number]

/** The list's view state, kept across every post/redirect/get. */
export const ListViewSchema = z.object({
	status: z.enum(TASK_STATUSES).catch('all'),
	q: z.string().trim().max(TASK_SEARCH_MAX_LENGTH).optional().catch(undefined),
	sort: z.enum(TASK_SORTS).catch('created'),
	order: z.enum(SORT_ORDERS).optional().catch(undefined),
})
export type ListView = z.output<typeof ListViewSchema>

export const VIEW_KEYS = ['status', 'q', 'sort', 'order'] as const

/** status, q, sort and order of a URL (or form data), without defaults. */
export function viewParams(source: URLSearchParams | FormData): URLSearchParams {
	const params = new URLSearchParams()
	for (const key of VIEW_KEYS) {
		const value = source.get(key)
		if (typeof value === 'string' && value !== '') params.set(key, value)
	}
	return params
}

/** /tasks with the view kept, plus an optional notice code. */
export function listHref(view: URLSearchParams, notice?: NoticeCode): string {
	const params = new URLSearchParams(view)
	if (notice) params.set('notice', notice)
	const qs = params.toString()
	return qs ? `/tasks?${qs}` : '/tasks'
}

/** Flash messages: a code in the redirect's query, mapped to fixed text. */
export const NOTICES = {
	added: 'Task added.',
	saved: 'Task saved.',
	completed: 'Task marked done.',
	reopened: 'Task marked not done.',
	deleted: 'Task deleted.',
	cleared: 'Completed tasks cleared.',
} as const
export type NoticeCode = keyof typeof NOTICES

export function noticeText(code: string | null): string | undefined {
	return code && Object.hasOwn(NOTICES, code) ? NOTICES[code as NoticeCode] : undefined
}

/** Why the list fell back to its first page (the API refused the query). */
export type InvalidListQuery = 'page' | 'search'
export const INVALID_LIST_QUERY_MESSAGES: Record<InvalidListQuery, string> = {
	page: 'That page link is no longer valid; showing the first page.',
	search: 'That search could not be used; showing all tasks.',
}

/** Friendly text when the task API is down, slow or broken (no internals). */
export const UNAVAILABLE_MESSAGE = 'Your tasks could not be reached just now. Please try again in a moment.'

/**
 * The add form's one-time key (a hidden field): a random UUID rendered by the
 * server, sent to the API as Idempotency-Key, so a double submit, a reload
 * that posts the form again, or a retry adds the task once.
 */
export const ADD_KEY_FIELD = 'idempotencyKey'
export const AddKeySchema = z.uuid()

/** A create refused by the account's per-minute limit (429). */
export function addRateLimitedMessage(retryAfterSeconds: number): string {
	const minutes = Math.ceil(retryAfterSeconds / 60)
	const wait =
		retryAfterSeconds <= 90
			? `${retryAfterSeconds} second${retryAfterSeconds === 1 ? '' : 's'}`
			: `${minutes} minute${minutes === 1 ? '' : 's'}`
	return `You are adding tasks too quickly. Try again in ${wait}.`
}

/** The form's key was already used for a task with other values (an earlier submit went through). */
export const ADD_KEY_REUSED_MESSAGE =
	'This form was already submitted with other values, and that task may have been added: check your list. Submit again to add this one too.'
