/**
 * The signed-in user's id for the request log line: app-server.ts reads
 * userIdContext after the response and writes it into its one line per
 * request. Resolved once per request already when a loader asked;
 * otherwise one lookup, and only for requests that carry a cookie at all.
 */
import type { MiddlewareFunction } from 'react-router'
import { userIdContext } from '#app/context.server.ts'

type UserIdLookup = Parameters<MiddlewareFunction<Response>>[0] extends infer Args
	? Args extends { request: Request; context: infer C }
		? (request: Request, context: C) => Promise<string | null | undefined>
		: never
	: never

export const createRequestLogUserMiddleware =
	({
		userIdOf,
	}: {
		/** Who is signed in (for the log line); called after the response is made. */
		userIdOf: UserIdLookup
	}): MiddlewareFunction<Response> =>
	async ({ request, context }, next) => {
		const response = await next()
		try {
			const userId = await userIdOf(request, context)
			if (userId) context.set(userIdContext, userId)
		} catch {
			// Logging the user id is best effort; never fail a response for it.
		}
		return response
	}
