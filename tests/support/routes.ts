/**
 * Runs a route module's loader or action the way React Router does on the
 * server: through the root middleware's session resolution, with a real
 * Request, a real database and the real Better Auth instance. Returns the
 * final Response and, for data responses, the payload the UI would get.
 */
import { RouterContextProvider, type MiddlewareFunction } from 'react-router'
import { clientIpContext } from '../../app/lib/request-context.server.ts'
import { sessionMiddleware } from '../../app/lib/session.server.ts'

export const APP_ORIGIN = 'http://localhost:3000'

type Handler = (args: {
	request: Request
	params: Record<string, string | undefined>
	context: RouterContextProvider
	// React Router passes more; our handlers use only these.
}) => unknown

type DataWithInit = { type: 'DataWithResponseInit'; data: unknown; init: ResponseInit | null }

function isDataWithInit(value: unknown): value is DataWithInit {
	return (
		typeof value === 'object' &&
		value !== null &&
		(value as { type?: unknown }).type === 'DataWithResponseInit'
	)
}

export type RouteResult<T = any> = { response: Response; data: T | undefined }

export async function runRoute<T = any>(
	handler: Handler,
	request: Request,
	{ params = {}, ip = '203.0.113.7' }: { params?: Record<string, string>; ip?: string } = {},
): Promise<RouteResult<T>> {
	const context = new RouterContextProvider()
	context.set(clientIpContext, ip)
	let payload: T | undefined
	// Cross-site refusal is the HTTP server's: tests/e2e (hardening, auth).
	const middlewares: MiddlewareFunction<Response>[] = [sessionMiddleware]
	const invoke = async (): Promise<Response> => {
		try {
			const result = await handler({ request, params, context })
			if (result instanceof Response) return result
			if (isDataWithInit(result)) {
				payload = result.data as T
				return Response.json(result.data, result.init ?? undefined)
			}
			payload = result as T
			return Response.json(result ?? null)
		} catch (error) {
			if (error instanceof Response) return error
			throw error
		}
	}
	const run = (index: number): Promise<Response> => {
		const middleware = middlewares[index]
		if (!middleware) return invoke()
		return Promise.resolve(
			middleware({ request, params, context, unstable_pattern: '' } as never, () => run(index + 1)),
		) as Promise<Response>
	}
	const response = await run(0)
	return { response, data: payload }
}

/** A same-origin form POST, as a browser without JavaScript sends it. */
export function formPost(
	path: string,
	fields: Record<string, string>,
	{ cookie, origin = APP_ORIGIN }: { cookie?: string; origin?: string | null } = {},
): Request {
	const headers = new Headers({ 'content-type': 'application/x-www-form-urlencoded' })
	if (origin) headers.set('origin', origin)
	if (cookie) headers.set('cookie', cookie)
	return new Request(`${APP_ORIGIN}${path}`, {
		method: 'POST',
		headers,
		body: new URLSearchParams(fields).toString(),
	})
}

export function get(path: string, { cookie }: { cookie?: string } = {}): Request {
	return new Request(`${APP_ORIGIN}${path}`, { headers: cookie ? { cookie } : {} })
}

/** "name=value; name2=value2" from a response's Set-Cookie headers. */
export function cookieHeaderFrom(response: Response): string {
	return response.headers
		.getSetCookie()
		.map((cookie) => cookie.split(';')[0])
		.join('; ')
}
