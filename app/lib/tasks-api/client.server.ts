/**
 * The only way app code talks to the task API (the BFF client): one client
 * per request, as the signed-in user (middleware.server.ts puts it in
 * tasksApiContext), calling TASKS_API_URL with `Authorization: Bearer` and a
 * token from the token cache (token-cache.server.ts) over undici
 * (transport.server.ts).
 *
 * - 401 → one fresh token and one retry. A second 401 means the API refuses
 *   a token this app has just minted: a server fault (key set, issuer or
 *   audience out of step), never a reason to sign the user out. It is logged
 *   at error level (request id, the API's reason) and answered like any
 *   outage: TasksApiUnavailableError (the page says so, 503).
 *   404 → a thrown 404 Response.
 *   422 → TasksApiValidationError (field errors for the form).
 *   429 → TasksApiRateLimitedError (with the API's Retry-After).
 *   Timeout, refused connection, 5xx → TasksApiUnavailableError
 *   (errors.server.ts). A gone browser's call is neither retried nor
 *   reported.
 * - createTask always sends an Idempotency-Key (the add form's one-time key,
 *   or a new one), so a create whose answer was lost (timeout, dropped
 *   connection, 502/503/504) is retried once with the same key: the API
 *   answers the task it already made instead of making a second one.
 * - x-request-id is forwarded (generated when absent).
 */
import { z } from 'zod'
import {
	deletedCountSchema,
	IDEMPOTENCY_KEY_HEADER,
	taskListSchema,
	taskSchema,
	type CreateTaskInput,
	type DeletedCount,
	type ListTasksQuery,
	type Task,
	type TaskList,
	type UpdateTaskInput,
} from '#common/tasks-contract.ts'
import { requestIdContext, type ContextReader } from '#app/context.server.ts'
import type { CurrentSession } from '#app/lib/auth/session.server.ts'
import { getEnv } from '#app/lib/env.server.ts'
import { logger } from '#app/lib/logger.server.ts'
import { TasksApiRateLimitedError, TasksApiUnavailableError, TasksApiValidationError } from './errors.server.ts'
import { forgetTokensForSession, tasksApiStats, tokenFor } from './token-cache.server.ts'
import { sendToApi, unreachableReason, type ApiAnswer } from './transport.server.ts'

/** Retry-After in whole seconds (1 minute when absent or unreadable). */
function retryAfterSecondsOf(response: ApiAnswer): number {
	const value = Number(response.header('retry-after'))
	return Number.isInteger(value) && value > 0 ? value : 60
}

/** Answers after which a create is retried once with its Idempotency-Key. */
const RETRIED_STATUSES = new Set([502, 503, 504])

/** What a problem+json answer says about itself (never the token). */
const problemReasonSchema = z.object({
	title: z
		.string()
		.transform((text) => text.slice(0, 200))
		.optional(),
	detail: z
		.string()
		.transform((text) => text.slice(0, 500))
		.optional(),
})

const problemErrorsSchema = z.object({
	errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
})

type CallOptions = {
	method: string
	path: string
	body?: unknown
	expected?: 'json' | 'empty'
	/** Sent as Idempotency-Key; makes the request safe to send a second time. */
	idempotencyKey?: string
}

export type TasksApi = {
	listTasks(query?: ListTasksQuery): Promise<TaskList>
	getTask(id: string): Promise<Task>
	/** `idempotencyKey`: the add form's one-time key (a new one when absent). */
	createTask(input: CreateTaskInput, options?: { idempotencyKey?: string }): Promise<Task>
	updateTask(id: string, patch: UpdateTaskInput): Promise<Task>
	/** Restorable for TASK_RESTORE_WINDOW_SECONDS (restoreTask). */
	deleteTask(id: string): Promise<void>
	/** Undoes a delete within its window; a thrown 404 when too late or unknown. */
	restoreTask(id: string): Promise<Task>
	clearCompleted(): Promise<DeletedCount>
	deleteAllMyTasks(): Promise<void>
	/**
	 * Whether a call of this request already found the API unavailable: after
	 * a failed form post (no JavaScript), the page renders with the user's
	 * input and the form's message instead of the outage page.
	 */
	readonly unavailableEarlier: boolean
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

function notFound(): never {
	throw new Response('Not Found', { status: 404, statusText: 'Not Found' })
}

/** The task API as the user of `current` (no network until a call is made). */
export function createTasksApi(request: Request, context: ContextReader, current: CurrentSession): TasksApi {
	const env = getEnv()
	const baseUrl = env.TASKS_API_URL
	const sessionId = current.session.id
	let requestId: string | null = null
	try {
		requestId = context.get(requestIdContext)
	} catch {
		requestId = null
	}
	requestId ??= crypto.randomUUID()

	async function send(options: CallOptions, token: string): Promise<ApiAnswer> {
		const headers: Record<string, string> = {
			authorization: `Bearer ${token}`,
			accept: 'application/json',
			'x-request-id': requestId!,
		}
		if (options.idempotencyKey !== undefined) headers[IDEMPOTENCY_KEY_HEADER] = options.idempotencyKey
		let body: string | undefined
		if (options.body !== undefined) {
			headers['content-type'] = 'application/json'
			body = JSON.stringify(options.body)
		}
		// Only a request with an Idempotency-Key may be sent twice.
		const attempts = options.idempotencyKey === undefined ? 1 : 2
		for (let attempt = 1; ; attempt += 1) {
			tasksApiStats.requests += 1
			const retry = attempt < attempts
			try {
				const response = await sendToApi(`${baseUrl}${options.path}`, {
					method: options.method,
					headers,
					body,
					timeoutMs: env.TASKS_API_TIMEOUT_MS,
					signal: request.signal,
				})
				if (!retry || !RETRIED_STATUSES.has(response.status)) return response
				await response.discard()
				logger.warn(
					{ requestId, method: options.method, path: options.path, status: response.status },
					'task API error: retrying once with the same Idempotency-Key',
				)
			} catch (error) {
				// The browser went away: nobody to answer, nothing to retry or report.
				if (request.signal.aborted) throw error
				const reason = unreachableReason(error)
				if (!retry) {
					logger.warn({ requestId, method: options.method, path: options.path, reason }, 'task API unavailable')
					throw new TasksApiUnavailableError(reason)
				}
				logger.warn(
					{ requestId, method: options.method, path: options.path, reason },
					'task API unavailable: retrying once with the same Idempotency-Key',
				)
			}
		}
	}

	/**
	 * The API refused a token minted for this very request: the services
	 * disagree (keys, issuer, audience). The user keeps the session; the
	 * page answers "temporarily unavailable".
	 */
	async function refusedFreshToken(options: CallOptions, response: ApiAnswer): Promise<never> {
		forgetTokensForSession(sessionId)
		const parsed = problemReasonSchema.safeParse(await response.json().catch(() => ({})))
		const apiReason = parsed.success ? (parsed.data.detail ?? parsed.data.title) : undefined
		logger.error(
			{ requestId, method: options.method, path: options.path, status: response.status, apiReason },
			'task API refused a token minted for this request: answering 503, the session is kept',
		)
		throw new TasksApiUnavailableError('token-refused', response.status)
	}

	let unavailableEarlier = false

	async function call(options: CallOptions): Promise<unknown> {
		try {
			return await callOnce(options)
		} catch (error) {
			if (error instanceof TasksApiUnavailableError) unavailableEarlier = true
			throw error
		}
	}

	async function callOnce(options: CallOptions): Promise<unknown> {
		let response = await send(options, await tokenFor(request, context, sessionId))
		if (response.status === 401) {
			await response.discard()
			response = await send(options, await tokenFor(request, context, sessionId, true))
			if (response.status === 401) return refusedFreshToken(options, response)
		}
		if (response.status === 404) {
			await response.discard()
			return notFound()
		}
		if (response.status === 422) {
			const parsed = problemErrorsSchema.safeParse(await response.json().catch(() => ({})))
			throw new TasksApiValidationError(parsed.success ? (parsed.data.errors ?? []) : [])
		}
		if (response.status === 429) {
			await response.discard()
			throw new TasksApiRateLimitedError(retryAfterSecondsOf(response))
		}
		if (!response.ok) {
			await response.discard()
			logger.warn({ requestId, method: options.method, path: options.path, status: response.status }, 'task API error')
			throw new TasksApiUnavailableError('server-error', response.status)
		}
		if (options.expected === 'empty' || response.status === 204) {
			await response.discard()
			return undefined
		}
		try {
			return await response.json()
		} catch {
			throw new TasksApiUnavailableError('server-error', response.status)
		}
	}

	function parse<T>(schema: z.ZodType<T>, value: unknown): T {
		const result = schema.safeParse(value)
		if (!result.success) {
			logger.error({ requestId }, 'task API answered outside its contract')
			throw new TasksApiUnavailableError('server-error')
		}
		return result.data
	}

	const taskPath = (id: string) => {
		if (!UUID.test(id)) notFound()
		return `/v1/tasks/${encodeURIComponent(id)}`
	}

	return {
		async listTasks(query = {}) {
			const search = new URLSearchParams()
			for (const [key, value] of Object.entries(query)) {
				if (value !== undefined && value !== null && value !== '') search.set(key, String(value))
			}
			const qs = search.toString()
			return parse(taskListSchema, await call({ method: 'GET', path: `/v1/tasks${qs ? `?${qs}` : ''}` }))
		},
		async getTask(id) {
			return parse(taskSchema, await call({ method: 'GET', path: taskPath(id) }))
		},
		async createTask(input, options = {}) {
			const idempotencyKey = options.idempotencyKey ?? crypto.randomUUID()
			return parse(taskSchema, await call({ method: 'POST', path: '/v1/tasks', body: input, idempotencyKey }))
		},
		async updateTask(id, patch) {
			return parse(taskSchema, await call({ method: 'PATCH', path: taskPath(id), body: patch }))
		},
		async deleteTask(id) {
			await call({ method: 'DELETE', path: taskPath(id), expected: 'empty' })
		},
		async restoreTask(id) {
			return parse(taskSchema, await call({ method: 'POST', path: `${taskPath(id)}/restore` }))
		},
		async clearCompleted() {
			return parse(deletedCountSchema, await call({ method: 'DELETE', path: '/v1/tasks?status=completed' }))
		},
		async deleteAllMyTasks() {
			await call({ method: 'DELETE', path: '/v1/me/tasks', expected: 'empty' })
		},
		get unavailableEarlier() {
			return unavailableEarlier
		},
	}
}
