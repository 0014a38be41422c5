/**
 * What a task API call can fail with, for the pages to answer: the API is
 * down, slow or broken (TasksApiUnavailableError: the page says so, 503),
 * refused the input (422: TasksApiValidationError, field errors for the
 * form), the account creates tasks too fast (429:
 * TasksApiRateLimitedError, with the API's Retry-After), the user's role in
 * a workspace does not allow it (403: TasksApiForbiddenError, the API's
 * sentence to show), or the change conflicts with the workspace's state
 * (409: TasksApiConflictError, e.g. the last owner). A 404 is a thrown 404
 * Response instead (api-call.server.ts).
 */
import type { FieldError } from '#common/tasks-contract.ts'

export type UnavailableReason = 'timeout' | 'unreachable' | 'server-error' | 'token-refused'

/** The task API is down, slow or broken: show a friendly message, keep input. */
export class TasksApiUnavailableError extends Error {
	constructor(
		readonly reason: UnavailableReason,
		readonly status?: number,
	) {
		super(`task API unavailable (${reason}${status ? ` ${status}` : ''})`)
		this.name = 'TasksApiUnavailableError'
	}
}

/** 422 from the API: per-field messages, keyed by the contract's field names. */
export class TasksApiValidationError extends Error {
	constructor(readonly errors: FieldError[]) {
		super('task API rejected the input')
		this.name = 'TasksApiValidationError'
	}
	/** { title: ['Title is required'] }, "" (whole body) becomes a form error. */
	get fieldErrors(): Record<string, string[]> {
		const result: Record<string, string[]> = {}
		for (const { field, message } of this.errors) {
			const key = field || ''
			const label = key ? `${key.charAt(0).toUpperCase()}${key.slice(1)} ${message}` : message
			;(result[key] ??= []).push(label)
		}
		return result
	}
}

/** 429 from the API: this account creates tasks faster than it may. */
export class TasksApiRateLimitedError extends Error {
	constructor(readonly retryAfterSeconds: number) {
		super(`task API rate limit (retry after ${retryAfterSeconds} s)`)
		this.name = 'TasksApiRateLimitedError'
	}
}

/** What a 403's sentence may hold at most when shown. */
export const FORBIDDEN_DETAIL_MAX_LENGTH = 300

/**
 * 403 from the API: the user's role in the workspace does not allow this.
 * `detail` is the API's sentence (common/workspace-roles.ts wording), for
 * the page to show; at most FORBIDDEN_DETAIL_MAX_LENGTH characters.
 */
export class TasksApiForbiddenError extends Error {
	readonly detail: string
	constructor(detail: string) {
		super('task API refused: the role does not allow it')
		this.name = 'TasksApiForbiddenError'
		this.detail = detail.slice(0, FORBIDDEN_DETAIL_MAX_LENGTH)
	}
}

/**
 * 409 from the API: the change conflicts with the workspace as it is (the
 * last owner, an id in use, the only owner deleting their account). `extra`
 * holds the problem's other fields (e.g. `workspaces`).
 */
export class TasksApiConflictError extends Error {
	constructor(
		readonly detail: string,
		readonly extra: Record<string, unknown> = {},
	) {
		super('task API conflict')
		this.name = 'TasksApiConflictError'
	}
}
