/**
 * What the task pages show and where they link: the list view of a URL
 * (status, q, sort, order), notices, and the fixed UI text. Shared by the
 * browser and the server; no server imports here.
 */
import { type TASK_PRIORITIES, VIEW_KEYS } from '#app/lib/schemas/tasks.ts'

export const PRIORITY_LABELS: Record<(typeof TASK_PRIORITIES)[number], string> = {
	low: 'Low',
	normal: 'Normal',
	high: 'High',
}

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
