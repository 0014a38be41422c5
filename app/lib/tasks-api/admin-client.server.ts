/**
 * What an admin's actions ask of the task API about someone else's account
 * (app/routes/admin/): its suspension, and deleting its tasks. Each call
 * carries a token minted for it alone (never cached), with the account as
 * `sub` and the admin as the actor (`act`, RFC 8693, logged by the API):
 *
 * - setAccountSuspension: PUT /v1/me/status with `scope: "account:status"`,
 *   the one token the API takes that route from. From then on the API
 *   refuses the account's calls (within 1 s on every instance), and tokens
 *   minted before the suspension for good.
 * - deleteAllTasksOf: DELETE /v1/me/tasks, as the account's own deletion
 *   does (a 409 while it alone owns a workspace others belong to).
 *
 * Only the admin pages call these, after checking the caller is an admin.
 */
import type { ContextReader } from '#app/context.server.ts'
import type { CurrentSession } from '#app/lib/auth/session.server.ts'
import { createApiCaller } from './api-call.server.ts'
import { tokenForOneCall } from './token-cache.server.ts'
import { ACCOUNT_DELETE_SCOPE, ACCOUNT_STATUS_SCOPE } from '#common/accounts-contract.ts'

/** A task API token for `userId`, with the admin of `admin` as its actor (and `scope` when given). */
const tokenActingFor = (userId: string, admin: CurrentSession, scope?: string) =>
	tokenForOneCall({ sub: userId, act: { sub: admin.user.id }, ...(scope ? { scope } : {}) })

/** `until`: a time, 'forever', or null to lift the suspension. */
export async function setAccountSuspension(
	request: Request,
	context: ContextReader,
	admin: CurrentSession,
	userId: string,
	until: Date | 'forever' | null,
): Promise<void> {
	const { call } = createApiCaller(request, context, admin)
	const suspendedUntil = until instanceof Date ? until.toISOString() : until
	await call({
		method: 'PUT',
		path: '/v1/me/status',
		body: { suspendedUntil },
		expected: 'empty',
		token: () => tokenActingFor(userId, admin, ACCOUNT_STATUS_SCOPE),
	})
}

/** The account's tasks, memberships and the workspaces it was alone in (TasksApiConflictError: it alone owns one with others). */
export async function deleteAllTasksOf(request: Request, context: ContextReader, admin: CurrentSession, userId: string): Promise<void> {
	const { call } = createApiCaller(request, context, admin)
	await call({
		method: 'DELETE',
		path: '/v1/me/tasks',
		expected: 'empty',
		token: () => tokenActingFor(userId, admin, ACCOUNT_DELETE_SCOPE),
	})
}
