/**
 * What an access-token JWT may do (issue 26). The app exchanges a personal
 * access token or a CLI credential for an ordinary JWT that also carries
 * `tid` (the access token), `scope` and, optionally, `workspace`; such a
 * token reaches tasks and nothing else, so a leaked CLI credential cannot
 * suspend, delete or re-shape an account:
 *
 * - Without a `workspace` claim: the personal task routes (/v1/tasks and
 *   everything under it). With one: that workspace's task routes
 *   (/v1/workspaces/{id}/tasks…) and reading the workspace itself
 *   (GET /v1/workspaces/{id}), whose membership and role the workspace
 *   guard still decides at each request (server/workspaces/access.ts).
 *   The other list's tasks: 403 ACCESS_TOKEN_WORKSPACE_DETAIL. Anything
 *   else (the account, the workspace list, members, invitations, the
 *   revocation route…): 403 ACCESS_TOKEN_ROUTE_DETAIL.
 * - GET and HEAD need `tasks:read` in its scope, every other method
 *   `tasks:write`: 403 ACCESS_TOKEN_READ_ONLY_DETAIL otherwise.
 *
 * It runs right after the suspension and revocation check, before any body
 * is read or validated: a token that may not write learns nothing from a
 * 422. A JWT without `tid` (the browser's session, the app's own calls)
 * passes untouched.
 */
import type { MiddlewareHandler } from 'hono'
import {
	ACCESS_TOKEN_NO_READ_DETAIL,
	ACCESS_TOKEN_READ_ONLY_DETAIL,
	ACCESS_TOKEN_ROUTE_DETAIL,
	ACCESS_TOKEN_WORKSPACE_DETAIL,
	TASKS_READ_SCOPE,
	TASKS_WRITE_SCOPE,
} from '#common/access-tokens-contract.ts'
import type { ApiEnv } from '#server/context.ts'
import { problem } from '#server/problem.ts'
import { hasScope } from './verify-token.ts'

const PERSONAL_TASKS = /^\/v1\/tasks(?:\/|$)/
const WORKSPACE_TASKS = /^\/v1\/workspaces\/([^/]+)\/tasks(?:\/|$)/
const WORKSPACE = /^\/v1\/workspaces\/([^/]+)$/

const isRead = (method: string) => method === 'GET' || method === 'HEAD'

/**
 * Whose tasks a request reaches: `workspaceId` null for the personal list,
 * or the workspace's id; null when it is no route for an access token.
 */
function target(method: string, path: string): { workspaceId: string | null } | null {
	if (PERSONAL_TASKS.test(path)) return { workspaceId: null }
	const tasks = WORKSPACE_TASKS.exec(path)
	if (tasks) return { workspaceId: tasks[1]! }
	const workspace = WORKSPACE.exec(path)
	if (workspace && isRead(method)) return { workspaceId: workspace[1]! }
	return null
}

/** Middleware for /v1/*, after the bearer token and the suspension check. */
export function limitAccessTokens(): MiddlewareHandler<ApiEnv> {
	return async (c, next) => {
		if (c.var.tokenId === undefined) return next()
		const method = c.req.method
		const reached = target(method, c.req.path)
		if (!reached) return problem(c, 403, ACCESS_TOKEN_ROUTE_DETAIL)
		if (reached.workspaceId !== (c.var.workspaceId ?? null)) return problem(c, 403, ACCESS_TOKEN_WORKSPACE_DETAIL)
		if (isRead(method)) {
			if (!hasScope(c.var.scope, TASKS_READ_SCOPE)) return problem(c, 403, ACCESS_TOKEN_NO_READ_DETAIL)
		} else if (!hasScope(c.var.scope, TASKS_WRITE_SCOPE)) {
			return problem(c, 403, ACCESS_TOKEN_READ_ONLY_DETAIL)
		}
		await next()
	}
}
