/**
 * Runs a route module's loader or action the way React Router does on the
 * server: through the real middleware of the routes the URL matches (the
 * root's: security headers, session; the signed-in layout's:
 * session required, task API client), with a real Request, a real database
 * and the real Better Auth instance. Returns the final Response and, for data
 * responses, the payload the UI would get.
 */
import { matchRoutes, RouterContextProvider, type MiddlewareFunction } from 'react-router'
import type { RouteConfigEntry } from '@react-router/dev/routes'
import routes from '#app/routes.ts'
import { middleware as rootMiddleware } from '#app/root.tsx'
import { clientIpContext } from '#app/context.server.ts'

export const APP_ORIGIN = 'http://localhost:3000'

/** What React Router hands a loader, an action or a middleware (all our code uses). */
export type RouteArgs = {
	request: Request
	url: URL
	pattern: string
	params: Record<string, string | undefined>
	context: RouterContextProvider
	unstable_pattern: string
}

/** The arguments React Router would pass for `request`. */
export function routeArgs(request: Request, params: Record<string, string> = {}, context = new RouterContextProvider()): RouteArgs {
	return { request, url: new URL(request.url), pattern: '', params, context, unstable_pattern: '' }
}
/** A loader or action; `P` is its typed params (e.g. `{ id: string }` for tasks/:id). */
type Handler<P extends Record<string, string>> = (args: Omit<RouteArgs, 'params'> & { params: P }) => unknown
type Middleware = (args: RouteArgs, next: () => Promise<Response>) => Response | undefined | Promise<Response | undefined | void> | void

const routeModules = import.meta.glob<{ middleware?: MiddlewareFunction<Response>[] }>(['../../app/routes/**/*.{ts,tsx}', '!**/*.test.ts'])

/** The middleware of every route `pathname` matches, root first (as React Router runs them). */
async function middlewareFor(pathname: string): Promise<Middleware[]> {
	const matches = matchRoutes(routes as RouteConfigEntry[] as Parameters<typeof matchRoutes>[0], pathname) ?? []
	const list = [...(rootMiddleware as Middleware[])]
	for (const { route } of matches) {
		const file = (route as RouteConfigEntry).file
		const load = routeModules[`../../app/${file}`]
		if (!load) throw new Error(`runRoute: no module for ${file}`)
		list.push(...(((await load()).middleware ?? []) as Middleware[]))
	}
	return list
}

/** Runs `middlewares` around `handler` (each may return early or throw a Response). */
export async function runMiddleware(middlewares: Middleware[], args: RouteArgs, handler: () => Promise<Response>): Promise<Response> {
	const run = async (index: number): Promise<Response> => {
		const middleware = middlewares[index]
		if (!middleware) return handler()
		let nextResponse: Response | undefined
		try {
			const response = await middleware(args, async () => (nextResponse = await run(index + 1)))
			return response ?? nextResponse ?? (await run(index + 1))
		} catch (error) {
			if (error instanceof Response) return error
			throw error
		}
	}
	return run(0)
}

type DataWithInit = { type: 'DataWithResponseInit'; data: unknown; init: ResponseInit | null }

function isDataWithInit(value: unknown): value is DataWithInit {
	return typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'DataWithResponseInit'
}

export type RouteResult<T = any> = { response: Response; data: T | undefined }

export async function runRoute<T = any, P extends Record<string, string> = Record<string, string>>(
	handler: Handler<P>,
	request: Request,
	{ params = {} as P, ip = '203.0.113.7' }: { params?: P; ip?: string } = {},
): Promise<RouteResult<T>> {
	const context = new RouterContextProvider()
	context.set(clientIpContext, ip)
	let payload: T | undefined
	const args = { ...routeArgs(request, params, context), params }
	const invoke = async (): Promise<Response> => {
		try {
			const result = await handler(args)
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
	const response = await runMiddleware(await middlewareFor(new URL(request.url).pathname), args, invoke)
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
