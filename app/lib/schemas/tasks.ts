/**
 * Schemas of the task forms, built from the task API's contract and shared by
 * the browser (conform) and the server (the actions). No server imports here.
 * (URL helpers and UI text: app/routes/tasks/+shared/view.ts.)
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
} from '#common/tasks-contract.ts'
import { hasControlCharacters } from '#common/text-safety.ts'

export { TASK_PRIORITIES, TASK_NOTES_MAX_LENGTH, TASK_TITLE_MAX_LENGTH }

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
	dueDate: z.string().refine(isCalendarDate, 'Due date must be a valid date (YYYY-MM-DD)').optional(),
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

/**
 * The add form's one-time key (a hidden field): a random UUID rendered by the
 * server, sent to the API as Idempotency-Key, so a double submit, a reload
 * that posts the form again, or a retry adds the task once.
 */
export const ADD_KEY_FIELD = 'idempotencyKey'
export const AddKeySchema = z.uuid()
