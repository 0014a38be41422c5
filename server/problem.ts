/**
 * RFC 9457 problem details: every error the API answers is one of these, as
 * `application/problem+json`, with a fixed, generic wording (no internals).
 */
import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { z } from 'zod'
import type { FieldError, Problem } from '#common/tasks-contract.ts'

const TITLES: Record<number, string> = {
	400: 'Bad Request',
	401: 'Unauthorized',
	403: 'Forbidden',
	404: 'Not Found',
	405: 'Method Not Allowed',
	409: 'Conflict',
	413: 'Content Too Large',
	415: 'Unsupported Media Type',
	422: 'Unprocessable Content',
	429: 'Too Many Requests',
	500: 'Internal Server Error',
	503: 'Service Unavailable',
}

function problemBody(status: number, detail?: string, extra: Partial<Problem> = {}): Problem {
	return {
		type: 'about:blank',
		title: TITLES[status] ?? 'Error',
		status,
		...(detail === undefined ? {} : { detail }),
		...extra,
	}
}

export function problem(
	c: Context,
	status: ContentfulStatusCode,
	detail?: string,
	options: { headers?: Record<string, string>; extra?: Partial<Problem> } = {},
): Response {
	for (const [name, value] of Object.entries(options.headers ?? {})) c.header(name, value)
	c.header('content-type', 'application/problem+json')
	return c.body(JSON.stringify(problemBody(status, detail, options.extra)), status)
}

/** zod issues → `[{ field, message }]`; unknown keys get one entry each. */
export function fieldErrors(error: z.ZodError): FieldError[] {
	const errors: FieldError[] = []
	for (const issue of error.issues) {
		const base = issue.path.map(String).join('.')
		if (issue.code === 'unrecognized_keys') {
			for (const key of issue.keys) {
				errors.push({ field: base ? `${base}.${key}` : key, message: 'is not a known field' })
			}
			continue
		}
		if (issue.code === 'invalid_type' && issue.path.length === 0) {
			errors.push({ field: '', message: 'must be a JSON object' })
			continue
		}
		errors.push({ field: base, message: issue.message })
	}
	return errors
}

export function validationProblem(c: Context, errors: FieldError[]): Response {
	return problem(c, 422, 'The request has invalid fields.', { extra: { errors } })
}

/** Thrown by handlers to answer with a problem (rendered by app.onError). */
export class ProblemError extends Error {
	override name = 'ProblemError'
	constructor(
		readonly status: ContentfulStatusCode,
		readonly detail: string,
		readonly extra: Partial<Problem> = {},
		readonly headers: Record<string, string> = {},
	) {
		super(detail)
	}
}

export function notFound(detail = 'No task with this id.'): ProblemError {
	return new ProblemError(404, detail)
}

export function invalidFields(errors: FieldError[]): ProblemError {
	return new ProblemError(422, 'The request has invalid fields.', { errors })
}
