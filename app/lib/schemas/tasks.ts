/**
 * Schemas of the task forms, built from the task API's contract and shared by
 * the browser (conform) and the server (the actions). No server imports here.
 * (URL helpers and UI text: app/routes/tasks/+shared/view.ts.)
 */
import { z } from 'zod'
import {
	TASK_NOTES_MAX_LENGTH,
	TASK_PRIORITIES,
	TASK_SEARCH_MAX_LENGTH,
	TASK_STATUSES,
	TASK_TITLE_MAX_LENGTH,
	type SortOrder,
	type TaskSort,
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

export const INTENTS = ['create', 'toggle', 'delete', 'clear-completed', 'update', 'undo', 'time-zone'] as const
export type Intent = (typeof INTENTS)[number]

/** Undo: the deleted tasks to restore. */
export const UndoSchema = z.object({ ids: z.array(z.uuid()).min(1).max(10_000) })

/** The list's one sort select: each choice is a sort and a direction of the task API. */
export const LIST_SORTS = {
	newest: { sort: 'created', order: 'desc' },
	oldest: { sort: 'created', order: 'asc' },
	// Earliest first: overdue tasks lead, tasks without a due date come last.
	'due-soonest': { sort: 'due', order: 'asc' },
	'due-latest': { sort: 'due', order: 'desc' },
	priority: { sort: 'priority', order: 'desc' },
} as const satisfies Record<string, { sort: TaskSort; order: SortOrder }>
export type ListSort = keyof typeof LIST_SORTS
const LIST_SORT_VALUES = Object.keys(LIST_SORTS) as [ListSort, ...ListSort[]]

/** Links made before the one select (sort=due&order=desc) still open the same view. */
function legacySort(sort: unknown, order: unknown): unknown {
	const match = Object.entries(LIST_SORTS).find(
		([, value]) => value.sort === sort && (order === undefined || order === null ? value.order : order) === value.order,
	)
	return match ? match[0] : sort
}

/** The list's view state (status, q, sort), read from the URL of every list page and form post. */
export const ListViewSchema = z.object({
	status: z.enum(TASK_STATUSES).catch('all'),
	q: z.string().trim().max(TASK_SEARCH_MAX_LENGTH).optional().catch(undefined),
	sort: z.enum(LIST_SORT_VALUES).catch('newest'),
})
export type ListView = z.output<typeof ListViewSchema>

export function readListView(params: URLSearchParams): ListView {
	return ListViewSchema.parse({
		status: params.get('status') ?? undefined,
		q: params.get('q') ?? undefined,
		sort: legacySort(params.get('sort') ?? undefined, params.get('order')),
	})
}

/** An IANA time zone the runtime knows (the browser's, remembered on the account). */
export const TimeZoneSchema = z.object({
	timeZone: z
		.string()
		.max(100)
		.refine((value) => {
			try {
				new Intl.DateTimeFormat('en', { timeZone: value })
				return true
			} catch {
				return false
			}
		}, 'Unknown time zone'),
})

/**
 * The add form's one-time key (a hidden field): a random UUID rendered by the
 * server, sent to the API as Idempotency-Key, so a double submit, a reload
 * that posts the form again, or a retry adds the task once.
 */
export const ADD_KEY_FIELD = 'idempotencyKey'
export const AddKeySchema = z.uuid()
