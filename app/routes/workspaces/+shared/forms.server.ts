/**
 * How a workspace form is answered on the server (the new-workspace page,
 * the members page, an invitation's page), as Settings does it
 * (settings/+shared/intents.server.ts): the fields through the form's zod
 * schema; then its work, which either redirects (post/redirect/get) with a
 * one-time notice (flash.server.ts), or hands back a Refusal that becomes
 * the form again with its input and the message (on its field, or the
 * form's); a throttled form answers 429 with the wait (orThrottledReply).
 * Every reply is `{ intent, result }`, so the page shows it on the form
 * that posted.
 */
import type { SubmissionResult } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import { data, redirect } from 'react-router'
import type { z } from 'zod'
import { flashHeaders } from '#app/lib/flash.server.ts'
import { orThrottledReply } from '#app/lib/throttle.server.ts'
import type { Refusal } from './two-stores.server.ts'

export type WorkspaceActionData = { intent: string; result: SubmissionResult<string[]> }

export type FormWork<Value> = (value: Value) => Promise<Response | Refusal>

/** A redirect to `to` that shows `message` once there. */
export async function redirectWithNotice(request: Request, to: string, message: string): Promise<Response> {
	return redirect(to, { headers: await flashHeaders(request, { message }) })
}

/**
 * `hideFields`: fields never sent back with the form (a password, a code):
 * the reply would put them into the page's HTML.
 */
export async function runWorkspaceForm<Schema extends z.ZodType>(
	intent: string,
	formData: FormData,
	schema: Schema,
	work: FormWork<z.output<Schema>>,
	{ hideFields }: { hideFields?: string[] } = {},
): Promise<Response | ReturnType<typeof data<WorkspaceActionData>>> {
	const submission = parseWithZod(formData, { schema })
	if (submission.status !== 'success') {
		return data({ intent, result: submission.reply({ hideFields }) } satisfies WorkspaceActionData, { status: 400 })
	}
	return orThrottledReply(submission, { hideFields, extra: { intent } }, async () => {
		const outcome = await work(submission.value)
		if (outcome instanceof Response) return outcome
		const errors = outcome.field ? { fieldErrors: { [outcome.field]: [outcome.message] } } : { formErrors: [outcome.message] }
		return data({ intent, result: submission.reply({ ...errors, hideFields }) } satisfies WorkspaceActionData, { status: outcome.status })
	})
}
