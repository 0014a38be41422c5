import type { MiddlewareFunction } from 'react-router'
import { allowedOrigins, crossSiteRefusal, isSafeMethod, isSameOriginRequest } from './csrf.server.ts'
import { getEnv } from './env.server.ts'
import { logger } from './logger.server.ts'

const origins = allowedOrigins(getEnv().BETTER_AUTH_URL)

/** Refuses (403) any state-changing request that is not from the app's origin. */
export const csrfMiddleware: MiddlewareFunction<Response> = async ({ request }, next) => {
	if (!isSafeMethod(request.method) && !isSameOriginRequest(request, origins)) {
		logger.warn(
			{ method: request.method, path: new URL(request.url).pathname, origin: request.headers.get('origin') },
			'refused cross-site request',
		)
		return crossSiteRefusal()
	}
	return next()
}
