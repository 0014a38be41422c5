/**
 * The part of the task schemas the browser needs, as plain code (no zod):
 * the list's view state read from a URL, the task form's HTML constraints,
 * the add form's key field. The /tasks page then ships no schema library;
 * its forms are validated by the server (app/routes/tasks/+shared/schemas.ts, which
 * re-exports all of this), with and without JavaScript.
 */
import {
	TASK_NOTES_MAX_LENGTH,
	TASK_PRIORITIES,
	TASK_SEARCH_MAX_LENGTH,
	TASK_STATUSES,
	TASK_TITLE_MAX_LENGTH,
} from '#common/tasks-limits.ts'
import type { SortOrder, TaskSort, TaskStatus } from '#common/tasks-contract.ts'

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

/** Links made before the one select (sort=due&order=desc) still open the same view. */
function legacySort(sort: string | null, order: string | null): string | null {
	const match = Object.entries(LIST_SORTS).find(([, value]) => value.sort === sort && (order ?? value.order) === value.order)
	return match ? match[0] : sort
}

const isOneOf = <T extends string>(values: readonly T[], value: unknown): value is T => values.includes(value as T)

/** The list's view state (status, q, sort; in a workspace "Assigned to me"), read from the URL of every list page and form post. */
export type ListView = { status: TaskStatus; q?: string; sort: ListSort; assignee?: 'me' }

/** What is not a known status or sort reads as the default; a search too long is dropped. */
export function readListView(params: URLSearchParams): ListView {
	const status = params.get('status')
	const sort = legacySort(params.get('sort'), params.get('order'))
	const q = params.get('q')?.trim()
	return {
		status: isOneOf(TASK_STATUSES, status) ? status : 'all',
		q: q !== undefined && q.length <= TASK_SEARCH_MAX_LENGTH ? q : undefined,
		sort: isOneOf(Object.keys(LIST_SORTS) as ListSort[], sort) ? sort : 'newest',
		...(params.get('assignee') === 'me' ? { assignee: 'me' as const } : {}),
	}
}

/**
 * The task form's HTML constraints, as `getFormConstraint(TaskFormSchema)`
 * reads them from the schema on the server (a unit test keeps the two equal:
 * tasks-plain.test.ts), for conform's `useForm({ constraint })`.
 */
export const TASK_FORM_CONSTRAINT = {
	title: { required: true, minLength: 1, maxLength: TASK_TITLE_MAX_LENGTH },
	notes: { required: false, maxLength: TASK_NOTES_MAX_LENGTH },
	dueDate: { required: false },
	priority: { required: false, pattern: TASK_PRIORITIES.join('|') },
	assigneeId: { required: false },
}

/**
 * The add form's one-time key (a hidden field): a random UUID rendered by the
 * server, sent to the API as Idempotency-Key, so a double submit, a reload
 * that posts the form again, or a retry adds the task once.
 */
export const ADD_KEY_FIELD = 'idempotencyKey'
