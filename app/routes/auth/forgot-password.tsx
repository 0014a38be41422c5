import { parseWithZod } from '@conform-to/zod/v4'
import { data, Form, Link, redirect, useSearchParams } from 'react-router'
import type { Route } from './+types/forgot-password'
import { Field, FormErrors, SubmitButton } from '#app/components/forms.tsx'
import { requestPasswordReset } from './+shared/password-reset.server.ts'
import { FORGOT_PASSWORD_SENT_MESSAGE, ForgotPasswordSchema } from './+shared/schemas.ts'
import { routeHeaders } from '#app/lib/http/route-headers.ts'
import { getFormConstraint } from '#app/lib/forms/constraint.ts'
import { useZodForm } from '#app/lib/forms/use-zod-form.ts'
import { orThrottledReply } from '#app/lib/throttle.server.ts'
import { Notice } from '#app/components/notice.tsx'

export const meta: Route.MetaFunction = () => [{ title: 'Forgot password · Taskwell' }]

// Passes on the 429's Retry-After (and Cache-Control) to the page.
export const headers = routeHeaders()

export async function action({ request, context }: Route.ActionArgs) {
	const formData = await request.formData()
	const submission = parseWithZod(formData, { schema: ForgotPasswordSchema })
	if (submission.status !== 'success') {
		return data({ result: submission.reply() }, { status: 400, headers: { 'Cache-Control': 'no-store' } })
	}
	return orThrottledReply(submission, { headers: { 'Cache-Control': 'no-store' } }, async () => {
		await requestPasswordReset(context, request, submission.value.email)
		// The same answer whether or not the account exists.
		return redirect('/forgot-password?sent=1', { headers: { 'Cache-Control': 'no-store' } })
	})
}

const constraint = getFormConstraint(ForgotPasswordSchema)

export default function ForgotPassword({ actionData }: Route.ComponentProps) {
	const [searchParams] = useSearchParams()
	const sent = searchParams.get('sent') === '1'
	const [form, fields] = useZodForm(ForgotPasswordSchema, {
		id: 'forgot-password',
		lastResult: actionData?.result,
		constraint,
	})
	return (
		<section className="card narrow">
			<h1>Forgot your password?</h1>
			{sent ? (
				<Notice tone="success">{FORGOT_PASSWORD_SENT_MESSAGE}</Notice>
			) : (
				<p>Enter the email address of your account and we will send you a link to choose a new password.</p>
			)}
			<Form method="post" {...form.props} noValidate>
				<FormErrors id={form.errorId} errors={form.errors} />
				<Field label="Email" meta={fields.email} type="email" inputProps={{ autoComplete: 'email' }} />
				<SubmitButton pendingText="Sending…">Send reset link</SubmitButton>
			</Form>
			<p>
				Remembered it? <Link to="/login">Sign in</Link>
			</p>
		</section>
	)
}
