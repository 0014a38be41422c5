/**
 * How the BFF clients (client.server.ts: tasks; workspaces-client.server.ts:
 * workspaces) call the task API, as the signed-in user of one request:
 * `Authorization: Bearer` with a token from the token cache
 * (token-cache.server.ts), over undici (transport.server.ts), x-request-id
 * forwarded (generated when absent).
 *
 * - 401 → one fresh token and one retry. A second 401 means the API refuses
 *   a token this app has just minted: a server fault (key set, issuer or
 *   audience out of step), never a reason to sign the user out. It is logged
 *   at error level (request id, the API's reason) and answered like any
 *   outage: TasksApiUnavailableError (the page says so, 503). A call with a
 *   token of its own (`token`, minted for it alone) is not retried.
 *   403 → TasksApiForbiddenError (the API's sentence: the caller's role in
 *   a workspace does not allow it).
 *   404 → a thrown 404 Response.
 *   409 → TasksApiConflictError (its sentence and the problem's other fields).
 *   422 → TasksApiValidationError (field errors for the form).
 *   429 → TasksApiRateLimitedError (with the API's Retry-After).
 *   Timeout, refused connection, 5xx → TasksApiUnavailableError
 *   (errors.server.ts). A gone browser's call is neither retried nor
 *   reported.
 * - A request with an Idempotency-Key whose answer was lost (timeout,
 *   dropped connection, 502/503/504) is sent once more with the same key;
 *   no other request is ever sent twice.
 */
import { z } from 'zod'
import { IDEMPOTENCY_KEY_HEADER } from '#common/tasks-contract.ts'
import { requestIdContext, type ContextReader } from '#app/context.server.ts'
import type { CurrentSession } from '#app/lib/auth/session.server.ts'
import { getEnv } from '#app/lib/env.server.ts'
import { logger } from '#app/lib/logger.server.ts'
import {
	TasksApiConflictError,
	TasksApiForbiddenError,
	TasksApiRateLimitedError,
	TasksApiUnavailableError,
	TasksApiValidationError,
} from './errors.server.ts'
import { forgetTokensForSession, tasksApiStats, tokenFor } from './token-cache.server.ts'
import { sendToApi, unreachableReason, type ApiAnswer } from './transport.server.ts'

/** Retry-After in whole seconds (1 minute when absent or unreadable). */
function retryAfterSecondsOf(response: ApiAnswer): number {
	const value = Number(response.header('retry-after'))
	return Number.isInteger(value) && value > 0 ? value : 60
}

/** Answers after which a request with an Idempotency-Key is sent once more. */
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

export type CallOptions = {
	method: string
	path: string
	body?: unknown
	expected?: 'json' | 'empty'
	/** Sent as Idempotency-Key; makes the request safe to send a second time. */
	idempotencyKey?: string
	/** A token minted for this call alone (not the cached one); never cached, never retried after a 401. */
	token?: () => Promise<string>
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export function notFound(): never {
	throw new Response('Not Found', { status: 404, statusText: 'Not Found' })
}

export type ApiCaller = {
	/** The answer's JSON (undefined for 204 or `expected: 'empty'`), or one of the errors above. */
	call(options: CallOptions): Promise<unknown>
	/** The answer checked against the contract (an answer outside it is "unavailable"). */
	parse<T>(schema: z.ZodType<T>, value: unknown): T
	/** Whether a call of this request already found the API unavailable. */
	readonly unavailableEarlier: boolean
}

/** Calls to the task API as the user of `current` (no network until a call is made). */
export function createApiCaller(request: Request, context: ContextReader, current: CurrentSession): ApiCaller {
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
		let response: ApiAnswer
		if (options.token !== undefined) {
			// A token minted for this call alone: a 401 is a refused fresh token.
			response = await send(options, await options.token())
			if (response.status === 401) return refusedFreshToken(options, response)
		} else {
			response = await send(options, await tokenFor(request, context, sessionId))
			if (response.status === 401) {
				await response.discard()
				response = await send(options, await tokenFor(request, context, sessionId, true))
				if (response.status === 401) return refusedFreshToken(options, response)
			}
		}
		if (response.status === 404) {
			await response.discard()
			return notFound()
		}
		if (response.status === 403) {
			const parsed = problemReasonSchema.safeParse(await response.json().catch(() => ({})))
			throw new TasksApiForbiddenError(parsed.success ? (parsed.data.detail ?? '') : '')
		}
		if (response.status === 409) {
			const body: unknown = await response.json().catch(() => ({}))
			const parsed = problemReasonSchema.safeParse(body)
			const {
				type: _type,
				title: _title,
				status: _status,
				detail: _detail,
				...extra
			} = (body !== null && typeof body === 'object' ? body : {}) as Record<string, unknown>
			throw new TasksApiConflictError(parsed.success ? (parsed.data.detail ?? '') : '', extra)
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

	return {
		call,
		parse,
		get unavailableEarlier() {
			return unavailableEarlier
		},
	}
}
