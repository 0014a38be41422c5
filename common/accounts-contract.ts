/**
 * The task API's account-status contract (issue 22, PUT /v1/me/status):
 * how the app tells the API that an admin suspended an account, or lifted
 * a suspension. Shared with the app, which mints the token for the call
 * (the user's `sub`, `scope` holding ACCOUNT_STATUS_SCOPE) and sends this
 * body. Plain zod, like common/tasks-contract.ts.
 */
import { z } from 'zod'

/** The `scope` entry (RFC 8693: a space-separated string) a token needs to change its account's status. */
export const ACCOUNT_STATUS_SCOPE = 'account:status'

/** The `scope` entry of the token an admin's deletion of an account sends DELETE /v1/me/tasks with: it passes a suspension. */
export const ACCOUNT_DELETE_SCOPE = 'account:delete'

/** 403 for a valid token without ACCOUNT_STATUS_SCOPE. */
export const ACCOUNT_STATUS_REFUSAL = "This token may not change an account's status."

/** 401 on every other /v1 route for a suspended account, or a token issued before its last suspension. */
export const ACCOUNT_SUSPENDED_DETAIL = 'This account is suspended.'

const SUSPENDED_UNTIL_MESSAGE = 'must be a date and time (ISO 8601), "forever" or null'
/** Year 0000 is valid ISO 8601 but not to Postgres; no suspension ends before 1970 anyway (a past end is allowed: it lifts itself). */
const fromTheEpoch = (value: string) => Date.parse(value) >= 0

/**
 * PUT /v1/me/status. `suspendedUntil`: a date and time (ISO 8601 with an
 * offset) until which the account is suspended, `"forever"` for a suspension
 * with no end, or `null` to lift one. Suspending also refuses, for good,
 * every token issued before it; lifting keeps that.
 */
export const accountStatusInputSchema = z
	.strictObject({
		suspendedUntil: z.union(
			[
				z.iso.datetime({ offset: true, abort: true, error: SUSPENDED_UNTIL_MESSAGE }).refine(fromTheEpoch, SUSPENDED_UNTIL_MESSAGE),
				z.literal('forever'),
				z.null(),
			],
			{
				error: SUSPENDED_UNTIL_MESSAGE,
			},
		),
	})
	.meta({ id: 'AccountStatusInput' })
export type AccountStatusInput = z.input<typeof accountStatusInputSchema>
