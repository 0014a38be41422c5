/**
 * The layout route of every signed-in page (see routes.ts). Its middleware
 * runs before any of their loaders and actions: the session is resolved once
 * and put into userContext (or the browser goes to /login?redirectTo=…),
 * then a ready task API client into tasksApiContext. Child routes read
 * `context.get(userContext)` and `context.get(tasksApiContext)`.
 */
import { Outlet } from 'react-router'
import type { Route } from './+types/_signed-in'
import { requireUserMiddleware } from '#app/lib/auth/session.server.ts'
import { tasksApiMiddleware } from '#app/lib/tasks-api/middleware.server.ts'

export const middleware: Route.MiddlewareFunction[] = [requireUserMiddleware, tasksApiMiddleware]

export default function SignedIn() {
	return <Outlet />
}
