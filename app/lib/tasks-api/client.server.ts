/**
 * The only way app code talks to the task API (the BFF client).
 *
 * The signed-in layout (routes/_signed-in.tsx) puts a client for the
 * request's session into tasksApiContext (tasksApiMiddleware, after
 * requireUserMiddleware); loaders and actions read `context.get(tasksApiContext)`.
 * The client obtains a JWT through auth.api (never over HTTP, never
 * sent to the browser) and calls TASKS_API_URL with `Authorization: Bearer`.
 *
 * - Tokens are cached in memory per session id (lru-cache: bounded, LRU, a
 *   ttl from the token's `exp` read with jose's decodeJwt) and reused while
 *   more than TOKEN_MIN_REMAINING_MS of their life is left; concurrent
 *   loaders share one mint (the cache's fetchMethod). Sign-out drops the entry.
 * - undici's request() on a keep-alive Agent (not global fetch: its WHATWG
 *   Request/Response objects cost the BFF hop about 3 ms of CPU per page).
 *   Each call ends at TASKS_API_TIMEOUT_MS or when the browser goes away
 *   (the request's AbortSignal, aborted by the Node server when the
 *   connection closes), whichever comes first: the API stops working for
 *   nobody, and a gone browser's call is neither retried nor reported.
 * - 401 → one fresh token and one retry. A second 401 means the API refuses
 *   a token this app has just minted: a server fault (key set, issuer or
 *   audience out of step), never a reason to sign the user out. It is logged
 *   at error level (request id, the API's reason) and answered like any
 *   outage: TasksApiUnavailableError (the page says so, 503). Only Better
 *   Auth ends a session: when minting finds no session (it expired or was
 *   ended elsewhere), the user is redirected to /login?redirectTo=….
 * - Minting reads the database (Better Auth reads the session again, then
 *   the signing keys, and may create one). When that fails, the request is
 *   answered like a failed session read (session.server.ts:
 *   sessionStoreUnavailable): 503 "Taskwell is having trouble" with
 *   Retry-After, never a 500 and never a sign-out.
 *   404 → a thrown 404 Response.
 *   422 → TasksApiValidationError (field errors for the form).
 *   429 → TasksApiRateLimitedError (with the API's Retry-After).
 *   Timeout, refused connection, 5xx → TasksApiUnavailableError.
 * - createTask always sends an Idempotency-Key (the add form's one-time key,
 *   or a new one), so a create whose answer was lost (timeout, dropped
 *   connection, 502/503/504) is retried once with the same key: the API
 *   answers the task it already made instead of making a second one.
 * - x-request-id is forwarded (generated when absent).
 */
import { APIError } from 'better-auth/api'
import { decodeJwt } from 'jose'
import { LRUCache } from 'lru-cache'
import { Agent, request as undiciRequest } from 'undici'
import { createContext, data, redirect, type MiddlewareFunction } from 'react-router'
import { z } from 'zod'
import {
	deletedCountSchema,
	IDEMPOTENCY_KEY_HEADER,
	taskListSchema,
	taskSchema,
	type CreateTaskInput,
	type DeletedCount,
	type FieldError,
	type ListTasksQuery,
	type Task,
	type TaskList,
	type UpdateTaskInput,
} from '#common/tasks-contract.ts'
import { auth } from '#app/lib/auth/better-auth.server.ts'
import { UNAVAILABLE_MESSAGE } from '#app/routes/tasks/+shared/view.ts'
import { getEnv } from '#app/lib/env.server.ts'
import { logger } from '#app/lib/logger.server.ts'
import { loginRedirectUrl } from '#app/lib/http/redirect.ts'
import { requestIdContext, type ContextReader } from '#app/context.server.ts'
import { authHeaders, sessionStoreUnavailable, userContext, type CurrentSession } from '#app/lib/auth/session.server.ts'

/** Reuse a cached token only while at least this much of its life is left. */
export const TOKEN_MIN_REMAINING_MS = 60_000
/** At most this many sessions' tokens are kept (least recently used go). */
export const TOKEN_CACHE_MAX_ENTRIES = 10_000

type MintContext = { request: Request; context: ContextReader }

/**
 * Tokens per session id (lru-cache: bounded, least recently used go first),
 * each kept until TOKEN_MIN_REMAINING_MS before it expires. fetch() merges
 * concurrent requests for one session into a single mint.
 */
const tokenCache = new LRUCache<string, string, MintContext>({
	max: TOKEN_CACHE_MAX_ENTRIES,
	fetchMethod: async (sessionId, _stale, { options, context: { request, context } }) => {
		tasksApiStats.mints += 1
		const token = await getTokenOrSignIn(request, context)
		// An unreadable token, or one about to expire: used by this request only.
		options.ttl = Math.max(1, expiryOf(token) - Date.now() - TOKEN_MIN_REMAINING_MS)
		return token
	},
})

/** Counters for tests and the benchmark (never exposed over HTTP). */
export const tasksApiStats = { mints: 0, requests: 0 }

/** Drop a session's cached token (on sign-out, or when the API rejects it). */
export function forgetTokensForSession(sessionId: string): void {
	tokenCache.delete(sessionId)
}

/** For tests. */
export function clearTokenCache(): void {
	tokenCache.clear()
}

/** The token's `exp` in ms (0 when it has none or cannot be read). */
function expiryOf(token: string): number {
	try {
		const { exp } = decodeJwt(token)
		return typeof exp === 'number' ? exp * 1000 : 0
	} catch {
		return 0
	}
}

/** Minting failed on the database (or the signing key could not be used): tokenFor answers 503. */
class MintFailedError extends Error {
	constructor(cause: unknown) {
		super('minting a task API token failed', { cause })
		this.name = 'MintFailedError'
	}
}

/**
 * A token from Better Auth, or a redirect to sign in when it has no session
 * (it expired or was ended elsewhere; the failed fetch leaves nothing in the
 * cache). getToken answers 401 for a session read that failed on the
 * database too (Better Auth turns that error into "no session"), so a 401
 * is checked with a lookup that throws on a database error: only a session
 * that is really gone signs the user out. Any other failure is a
 * MintFailedError.
 */
async function getTokenOrSignIn(request: Request, context: ContextReader): Promise<string> {
	const headers = authHeaders(request, context)
	try {
		return (await auth.api.getToken({ headers })).token
	} catch (error) {
		if (!(error instanceof APIError && error.statusCode === 401)) throw new MintFailedError(error)
	}
	const current = await auth.api.getSession({ headers, query: { disableRefresh: true } }).catch((error: unknown) => {
		throw new MintFailedError(error)
	})
	if (!current) throw redirect(loginRedirectUrl(request))
	throw new MintFailedError(new Error('minting found no session, the lookup after it did'))
}

/** A cached token with enough life left, else a fresh one (one mint per session at a time). */
async function tokenFor(request: Request, context: ContextReader, sessionId: string, fresh = false): Promise<string> {
	let token: string | undefined
	try {
		token = await tokenCache.fetch(sessionId, { context: { request, context }, forceRefresh: fresh })
	} catch (error) {
		// A mint is shared by the requests waiting for it: each gets its own 503.
		if (error instanceof MintFailedError) sessionStoreUnavailable(request, context, error.cause)
		throw error
	}
	if (token === undefined) throw new TasksApiUnavailableError('server-error')
	return token
}

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

/** Retry-After in whole seconds (1 minute when absent or unreadable). */
function retryAfterSecondsOf(response: ApiAnswer): number {
	const value = Number(response.header('retry-after'))
	return Number.isInteger(value) && value > 0 ? value : 60
}

/** Keep-alive connections to the task API, shared by every request of this process. */
const apiAgent = new Agent({ keepAliveTimeout: 30_000, connections: 128 })

/** The task API's answer, read once: status, a header, the JSON body, or nothing. */
type ApiAnswer = {
	status: number
	ok: boolean
	header(name: string): string | null
	json(): Promise<unknown>
	/** Drops the body (the connection goes back to the pool). */
	discard(): Promise<void>
}

async function sendToApi(
	url: string,
	init: { method: string; headers: Record<string, string>; body?: string; timeoutMs: number; signal: AbortSignal },
): Promise<ApiAnswer> {
	const { statusCode, headers, body } = await undiciRequest(url, {
		method: init.method as 'GET',
		headers: init.headers,
		body: init.body,
		dispatcher: apiAgent,
		// The browser gone (the request's signal) or the timeout: undici
		// closes the connection, so the API stops too.
		signal: AbortSignal.any([init.signal, AbortSignal.timeout(init.timeoutMs)]),
	})
	return {
		status: statusCode,
		ok: statusCode >= 200 && statusCode < 300,
		header(name) {
			const value = headers[name.toLowerCase()]
			return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value
		},
		json: () => body.json(),
		discard: () => body.dump().then(() => undefined),
	}
}

const TIMEOUT_ERRORS = new Set(['TimeoutError', 'AbortError', 'RequestAbortedError', 'HeadersTimeoutError', 'BodyTimeoutError'])

/** Answers after which a create is retried once with its Idempotency-Key. */
const RETRIED_STATUSES = new Set([502, 503, 504])

export { UNAVAILABLE_MESSAGE }

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

/**
 * For loaders: `load()`, or, when the task API is unavailable, a thrown 503
 * that the task routes' one error boundary renders ("Try again"). When an
 * action of this same request already found the API unavailable (a form
 * posted without JavaScript), null instead: the page renders with the
 * form's message and the user's input.
 */
export async function loadOrUnavailable<T>(api: TasksApi, load: () => Promise<T>): Promise<T | null> {
	const actionMetOutage = api.unavailableEarlier
	try {
		return await load()
	} catch (error) {
		if (!(error instanceof TasksApiUnavailableError)) throw error
		if (actionMetOutage) return null
		throw data(UNAVAILABLE_MESSAGE, { status: 503, statusText: 'Service Unavailable' })
	}
}

/** The task API as the signed-in user of this request (set by tasksApiMiddleware). */
export const tasksApiContext = createContext<TasksApi>()

/** After requireUserMiddleware: a ready client for the request's session. */
export const tasksApiMiddleware: MiddlewareFunction<Response> = ({ request, context }, next) => {
	context.set(tasksApiContext, createTasksApi(request, context, context.get(userContext)))
	return next()
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
				const name = error instanceof Error ? error.name : ''
				const reason: UnavailableReason = TIMEOUT_ERRORS.has(name) ? 'timeout' : 'unreachable'
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
