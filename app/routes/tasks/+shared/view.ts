/**
 * What the task pages show and where they link: the list view of a URL
 * (status, q, sort, page), notices, and the fixed UI text. Shared by the
 * browser and the server; no server imports here.
 */
import { PERSONAL_LIST } from '#app/lib/task-lists.ts'
import { readListView, type ListSort } from './schemas-plain.ts'
import type { TASK_PRIORITIES } from '#common/tasks-limits.ts'

export const PRIORITY_LABELS: Record<(typeof TASK_PRIORITIES)[number], string> = {
	low: 'Low',
	normal: 'Normal',
	high: 'High',
}

/** The sort select's choices, in this order. */
export const SORT_LABELS: Record<ListSort, string> = {
	newest: 'Newest first',
	oldest: 'Oldest first',
	'due-soonest': 'Due soonest',
	'due-latest': 'Due latest',
	priority: 'Highest priority',
}

/** status, q and sort of a URL, without defaults (links keep them; old links' `order` is folded into `sort`). */
export function viewParams(source: URLSearchParams): URLSearchParams {
	const view = readListView(source)
	const params = new URLSearchParams()
	if (view.status !== 'all') params.set('status', view.status)
	if (view.q) params.set('q', view.q)
	if (view.sort !== 'newest') params.set('sort', view.sort)
	if (view.assignee) params.set('assignee', view.assignee)
	return params
}

/** The list (/tasks, or a workspace's /w/<slug>/tasks) with the view kept. */
export function listHref(view: URLSearchParams, base: string = PERSONAL_LIST): string {
	const qs = view.toString()
	return qs ? `${base}?${qs}` : base
}

/** The one-time notices after an action (sent as a flash: app/lib/flash.server.ts). */
export const NOTICES = {
	added: 'Task added.',
	saved: 'Task saved.',
	completed: 'Task marked done.',
	reopened: 'Task marked not done.',
	deleted: 'Task deleted.',
	restored: 'Task restored.',
	restoredMany: 'Tasks restored.',
} as const
export type NoticeCode = keyof typeof NOTICES

/** After "Clear completed": the same words as a single delete. */
export function clearedMessage(count: number): string {
	return count === 1 ? NOTICES.deleted : `${count} tasks deleted.`
}

/** Undo came too late (the API purges deleted tasks after its window). */
export const UNDO_TOO_LATE_MESSAGE = 'Too late to undo: the task is gone for good.'

/**
 * Pages without JavaScript: `cursor` opens a page, `prev` holds the cursors
 * of the pages before it (dot-separated; "" is the first page), so "Previous
 * page" is a plain link. At most PREV_PAGES_KEPT are kept.
 */
const PREV_PAGES_KEPT = 20
export function pageHrefs(search: URLSearchParams, nextCursor: string | null) {
	const view = viewParams(search)
	const cursor = search.get('cursor') || null
	const prev = (search.get('prev') ?? '').split('.').filter(Boolean)
	const href = (pageCursor: string | null, stack: string[]) => {
		const params = new URLSearchParams(view)
		if (pageCursor) params.set('cursor', pageCursor)
		if (pageCursor && stack.length) params.set('prev', stack.slice(-PREV_PAGES_KEPT).join('.'))
		return listHref(params)
	}
	return {
		next: nextCursor ? href(nextCursor, cursor ? [...prev, cursor] : []) : null,
		previous: cursor ? href(prev.at(-1) ?? null, prev.slice(0, -1)) : null,
	}
}

/** Why the list fell back to its first page (the API refused the query). */
export type InvalidListQuery = 'page' | 'search'
export const INVALID_LIST_QUERY_MESSAGES: Record<InvalidListQuery, string> = {
	page: 'That page link is no longer valid; showing the first page.',
	search: 'That search could not be used; showing all tasks.',
}

/** Friendly text when the task API is down, slow or broken (no internals). */
export const UNAVAILABLE_MESSAGE = 'Your tasks could not be reached just now. Please try again in a moment.'

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

/** The id of a task's row in the list: the anchor an edit returns to. */
export function taskAnchor(id: string): string {
	return `task-${id}`
}
