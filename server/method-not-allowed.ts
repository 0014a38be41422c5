/**
 * 405 Method Not Allowed, derived from the routes the app registered: a new
 * route (or a new method on a path) needs no second edit anywhere.
 *
 * Hono's own `hono/method-not-allowed` looks only after the whole chain has
 * answered 404, i.e. after the bearer-token check on /v1/*, so an anonymous
 * caller with a wrong method would get 401. This one answers before any other
 * middleware, from the same source (`app.routes`, HEAD with GET).
 */
import type { Context, MiddlewareHandler } from 'hono'
import { TrieRouter } from 'hono/router/trie-router'

type RegisteredRoute = { path: string; methods: string[] }

export type RouteTable = {
	/** The registered route pattern `path` falls under, and the methods of every pattern it falls under. */
	match(path: string): RegisteredRoute | undefined
}

type AnyHono = { routes: ReadonlyArray<{ method: string; path: string }> }

/** Built on first use, once every route is registered. */
export function registeredRoutes(app: AnyHono): RouteTable {
	let router: TrieRouter<RegisteredRoute> | undefined
	const build = () => {
		const byPath = new Map<string, RegisteredRoute>()
		for (const route of app.routes) {
			if (route.method === 'ALL' || route.method === 'HEAD') continue
			const entry = byPath.get(route.path) ?? { path: route.path, methods: [] }
			const methods = route.method === 'GET' ? ['GET', 'HEAD'] : [route.method]
			for (const method of methods) if (!entry.methods.includes(method)) entry.methods.push(method)
			byPath.set(route.path, entry)
		}
		const trie = new TrieRouter<RegisteredRoute>()
		for (const entry of byPath.values()) trie.add('ALL', entry.path, entry)
		return trie
	}
	return {
		match(path) {
			router ??= build()
			const [first, ...others] = router.match('ALL', path)[0].map(([route]) => route)
			if (!first || others.length === 0) return first
			const methods = new Set([first, ...others].flatMap((route) => route.methods))
			return { path: first.path, methods: [...methods] }
		},
	}
}

export function methodNotAllowed(
	routes: RouteTable,
	respond: (c: Context, allow: string[]) => Response | Promise<Response>,
): MiddlewareHandler {
	return async (c, next) => {
		const route = routes.match(c.req.path)
		if (route && !route.methods.includes(c.req.method)) return respond(c, route.methods)
		await next()
	}
}
