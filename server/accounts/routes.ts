/**
 * PUT /v1/me/status (issue 22): the app tells the API that an admin
 * suspended the account, or lifted its suspension, with a token it mints for
 * the purpose: the user's `sub` and a `scope` holding `account:status`. Any
 * other token is refused (403), so a user's own token cannot lift their
 * suspension. The route is exempt from the suspension check
 * (server/auth/account-blocks.ts): it is how a suspension is lifted.
 */
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi'
import { ACCOUNT_DELETE_SCOPE, ACCOUNT_STATUS_REFUSAL, ACCOUNT_STATUS_SCOPE, accountStatusInputSchema } from '#common/accounts-contract.ts'
import { isAccessTokenRevocation } from '#server/access-tokens/routes.ts'
import { hasScope } from '#server/auth/verify-token.ts'
import type { ApiEnv } from '#server/context.ts'
import { authResponses, jsonBody, problemResponse, security } from '#server/openapi-parts.ts'
import { problem } from '#server/problem.ts'
import type { TasksDb } from '#server/tasks/repository.ts'
import { setAccountStatus } from './repository.ts'

export const ACCOUNT_STATUS_PATH = '/v1/me/status'

/** The one request the suspension check lets through: the status change itself. */
export const isAccountStatusChange = (method: string, path: string) => method === 'PUT' && path === ACCOUNT_STATUS_PATH

/**
 * What a suspended account's token may still do: change the account's
 * status; with the `account:delete` scope the app gives an admin's
 * deletion of the account, delete all its tasks (DELETE /v1/me/tasks), so
 * a suspended account can be deleted; and with the `access-tokens:revoke`
 * scope, record an access token's revocation (server/access-tokens/routes.ts),
 * so an admin can revoke a suspended account's tokens.
 */
export const passesSuspension = (method: string, path: string, scope: string | undefined) =>
	isAccountStatusChange(method, path) ||
	(method === 'DELETE' && path === '/v1/me/tasks' && hasScope(scope, ACCOUNT_DELETE_SCOPE)) ||
	isAccessTokenRevocation(method, path, scope)

const putStatusRoute = createRoute({
	method: 'put',
	path: ACCOUNT_STATUS_PATH,
	tags: ['Accounts'],
	summary: 'Suspend the account, or lift its suspension (the app, for an admin)',
	description: `Only a token whose \`scope\` contains \`${ACCOUNT_STATUS_SCOPE}\` may call it; the account is the token’s \`sub\`. A date and time suspends until then, \`"forever"\` with no end, \`null\` lifts the suspension. Suspending also refuses every token issued before it, for good. While suspended, every other /v1 route answers 401 "This account is suspended." on every instance within 1 s; this one still answers.`,
	security,
	request: { body: jsonBody(accountStatusInputSchema) },
	responses: {
		204: { description: 'Done (also when lifting a suspension there was none of).' },
		403: problemResponse(`The token’s \`scope\` does not contain \`${ACCOUNT_STATUS_SCOPE}\`.`),
		422: problemResponse('Invalid fields: `errors` lists them as { field, message }.'),
		...authResponses,
	},
})

export function registerAccountRoutes(app: OpenAPIHono<ApiEnv>, db: TasksDb): void {
	// The token first: one without the scope learns nothing about the body (403 before any 422).
	app.use(ACCOUNT_STATUS_PATH, async (c, next) => {
		if (!hasScope(c.var.scope, ACCOUNT_STATUS_SCOPE)) return problem(c, 403, ACCOUNT_STATUS_REFUSAL)
		await next()
	})
	app.openapi(putStatusRoute, async (c) => {
		const { suspendedUntil } = c.req.valid('json')
		await setAccountStatus(db, c.var.userId, suspendedUntil)
		return c.body(null, 204)
	})
}
