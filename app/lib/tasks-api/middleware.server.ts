/**
 * The signed-in layout (routes/_signed-in.tsx) puts a client for the
 * request's session into tasksApiContext, after requireUserMiddleware;
 * loaders and actions read `context.get(tasksApiContext)`.
 */
import type { MiddlewareFunction } from 'react-router'
import { tasksApiContext, userContext } from '#app/context.server.ts'
import { createTasksApi } from './client.server.ts'

/** After requireUserMiddleware: a ready client for the request's session. */
export const tasksApiMiddleware: MiddlewareFunction<Response> = ({ request, context }, next) => {
	context.set(tasksApiContext, createTasksApi(request, context, context.get(userContext)))
	return next()
}
