/**
 * The task API's limits and choices as plain values, without zod: what the
 * browser needs of the contract (lengths, priorities, statuses, the undo
 * window) costs it no schema library. common/tasks-contract.ts builds its
 * schemas from these and re-exports them.
 */
export const TASK_TITLE_MAX_LENGTH = 200
export const TASK_NOTES_MAX_LENGTH = 5000
export const TASK_LIST_DEFAULT_LIMIT = 50
export const TASK_LIST_MAX_LIMIT = 100
export const TASK_SEARCH_MAX_LENGTH = 200

export const TASK_PRIORITIES = ['low', 'normal', 'high'] as const
export const TASK_STATUSES = ['all', 'active', 'completed'] as const
export const TASK_SORTS = ['created', 'due', 'priority'] as const
export const SORT_ORDERS = ['asc', 'desc'] as const

/** Default direction of each sort when `order` is absent. */
export const DEFAULT_SORT_ORDER: Record<(typeof TASK_SORTS)[number], (typeof SORT_ORDERS)[number]> = {
	created: 'desc', // newest first
	due: 'asc', // soonest first (tasks without a due date last)
	priority: 'desc', // high, normal, low
}

/**
 * How long a deleted task can be restored (POST /v1/tasks/:id/restore);
 * the cleanup purges it for good after that.
 */
export const TASK_RESTORE_WINDOW_SECONDS = 30
