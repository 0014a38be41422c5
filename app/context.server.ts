/**
 * Every request context key of the app, in one place (as React Router's
 * middleware docs keep them): what the Node server, the middleware and the
 * loaders and actions hand each other for one request.
 *
 * - clientIpContext, requestIdContext: set by the Node server
 *   (app-server.ts, getLoadContext). The client IP is resolved by the HTTP
 *   layer (Express, honouring TRUST_PROXY); the Request object itself does
 *   not carry it.
 * - nonceContext: the page's CSP nonce (root middleware, read by
 *   entry.server.tsx).
 * - userIdContext: who was signed in, for the request log line app-server.ts
 *   writes after the response.
 * - sessionHolderContext, userContext: the session resolved once per request
 *   (lib/auth/session.server.ts).
 * - tasksApiContext: the task API client for the signed-in user
 *   (lib/tasks-api/, set by the signed-in layout; under /w/<slug> the
 *   workspace layout replaces it with one scoped to that workspace).
 * - workspaceContext: the workspace of a /w/<slug> URL and its people
 *   (routes/workspaces/layout.tsx).
 *
 * One set of keys per process, whoever loads this file: the production build
 * has it twice (in build/server/index.js, and bundled into
 * build/app-server.js by esbuild), and in development Vite loads it apart
 * from the server that tsx runs. A context key is an object compared by
 * identity, so the keys are made once and kept on globalThis; every copy of
 * this module hands out the same objects. Only types are imported here, so
 * app-server.ts can import this file without pulling in the app.
 */
import { createContext, type RouterContext, type RouterContextProvider } from 'react-router'
import type { CurrentSession, SessionHolder } from '#app/lib/auth/session.server.ts'
import type { TasksApi } from '#app/lib/tasks-api/client.server.ts'
import type { CurrentWorkspace } from '#app/routes/workspaces/+shared/workspace.server.ts'

/** What server helpers need of the router context: reading it. */
export type ContextReader = Pick<Readonly<RouterContextProvider>, 'get'>

type ContextKeys = {
	clientIpContext: RouterContext<string | null>
	requestIdContext: RouterContext<string | null>
	nonceContext: RouterContext<string | null>
	userIdContext: RouterContext<string | null>
	sessionHolderContext: RouterContext<SessionHolder | null>
	userContext: RouterContext<CurrentSession>
	tasksApiContext: RouterContext<TasksApi>
	workspaceContext: RouterContext<CurrentWorkspace | null>
}

declare global {
	// The one set of keys of this process (see above).
	var __taskwellRouterContext: ContextKeys | undefined
}

/** Keys this copy would make; the ones made first win (a key added during `npm run dev` joins them). */
const fresh: ContextKeys = {
	clientIpContext: createContext<string | null>(null),
	requestIdContext: createContext<string | null>(null),
	nonceContext: createContext<string | null>(null),
	/** Set once the session is known; app-server.ts puts it in the request log line. */
	userIdContext: createContext<string | null>(null),
	sessionHolderContext: createContext<SessionHolder | null>(null),
	/** The signed-in user and session; set by requireUserMiddleware (no default: reading it elsewhere throws). */
	userContext: createContext<CurrentSession>(),
	/** The task API as the signed-in user of this request (set by tasksApiMiddleware). */
	tasksApiContext: createContext<TasksApi>(),
	/** The workspace of a /w/<slug> URL (null on the personal list and every other page). */
	workspaceContext: createContext<CurrentWorkspace | null>(null),
}

const keys: ContextKeys = { ...fresh, ...globalThis.__taskwellRouterContext }
globalThis.__taskwellRouterContext = keys

export const {
	clientIpContext,
	requestIdContext,
	nonceContext,
	userIdContext,
	sessionHolderContext,
	userContext,
	tasksApiContext,
	workspaceContext,
} = keys

/** The client IP the HTTP layer resolved, as a throttle subject ("unknown" without one). */
export function clientIpOf(context: ContextReader): string {
	return context.get(clientIpContext) ?? 'unknown'
}
