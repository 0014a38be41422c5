import { parseWithZod } from '@conform-to/zod/v4'
import { data, Form, Link, redirect, useSearchParams } from 'react-router'
import type { Route } from './+types/verify-email'
import { Field, FormErrors, SubmitButton } from '#app/components/forms.tsx'
import { resendVerification, verifyEmail } from './+shared/email-verification.server.ts'
import { ResendVerificationSchema } from './+shared/schemas.ts'
import { routeHeaders } from '#app/lib/http/route-headers.ts'
import { emailedToken, TOKEN_PAGE_HEADERS } from './+shared/token-link.server.ts'
import { getFormConstraint } from '#app/lib/forms/constraint.ts'
import { useZodForm } from '#app/lib/forms/use-zod-form.ts'
import { orThrottledReply } from '#app/lib/throttle.server.ts'
import { Notice } from '#app/components/notice.tsx'
import { safeRedirect } from '#app/lib/http/redirect.ts'
import { getCurrentSession } from '#app/lib/auth/session.server.ts'

export const meta: Route.MetaFunction = () => [{ title: 'Confirm your email · Taskwell' }]

const PRIVATE = TOKEN_PAGE_HEADERS

export const headers = routeHeaders(PRIVATE)

/**
 * /verify-email?token=… (the link in the message) only shows a "Verify
 * email" button: a GET changes nothing (a mail scanner that follows the
 * link cannot use the token up). Its POST (intent=verify, the token in a
 * hidden field) confirms the address and sends the user to sign in; with a
 * bad token the page offers to send the link again.
 */
export async function loader({ request }: Route.LoaderArgs) {
	// Where to go once signed in (the sign-up's redirectTo, e.g. an invitation).
	const redirectTo = safeRedirect(new URL(request.url).searchParams.get('redirectTo'), '')
	return data({ token: emailedToken(request), redirectTo, problem: null }, { headers: PRIVATE })
}

export async function action({ request, context }: Route.ActionArgs) {
	const formData = await request.formData()
	if (formData.get('intent') === 'verify') {
		const token = formData.get('token')
		const outcome = typeof token === 'string' && token ? await verifyEmail(token) : ({ ok: false, reason: 'invalid' } as const)
		const redirectTo = safeRedirect(formData.get('redirectTo'), '')
		const next = redirectTo ? `&${new URLSearchParams({ redirectTo })}` : ''
		// Already signed in (an account made without confirmation, confirming
		// now for an invitation): straight back to where it came from.
		if (outcome.ok && redirectTo && (await getCurrentSession(request, context))) throw redirect(redirectTo, { headers: PRIVATE })
		if (outcome.ok) throw redirect(`/login?verified=1${next}`, { headers: PRIVATE })
		return data({ problem: outcome.reason, result: undefined }, { headers: PRIVATE })
	}
	const submission = parseWithZod(formData, { schema: ResendVerificationSchema })
	if (submission.status !== 'success') {
		return data({ problem: null, result: submission.reply() }, { status: 400, headers: PRIVATE })
	}
	return orThrottledReply(submission, { headers: PRIVATE }, async () => {
		await resendVerification(request, context, submission.value.email)
		return redirect(`/verify-email?${new URLSearchParams({ sent: '1', email: submission.value.email })}`, {
			headers: PRIVATE,
		})
	})
}

const constraint = getFormConstraint(ResendVerificationSchema)

export default function VerifyEmail({ loaderData, actionData }: Route.ComponentProps) {
	const problem = actionData && 'problem' in actionData ? actionData.problem : null
	const [searchParams] = useSearchParams()
	const sent = searchParams.get('sent') === '1'
	const email = searchParams.get('email')?.slice(0, 254) ?? ''
	const [form, fields] = useZodForm(ResendVerificationSchema, {
		id: 'resend-verification',
		lastResult: actionData && 'result' in actionData ? actionData.result : undefined,
		constraint,
		defaultValue: { email },
	})
	return (
		<section className="card narrow">
			<h1>Confirm your email</h1>
			{loaderData.token && !problem ? (
				<Form method="post">
					<p>Confirm that this is your email address.</p>
					<input type="hidden" name="intent" value="verify" />
					<input type="hidden" name="token" value={loaderData.token} />
					{loaderData.redirectTo ? <input type="hidden" name="redirectTo" value={loaderData.redirectTo} /> : null}
					<SubmitButton pendingText="Verifying…">Verify email</SubmitButton>
				</Form>
			) : null}
			{problem ? (
				<p role="alert">
					{problem === 'expired' ? 'This confirmation link has expired.' : 'This confirmation link is not valid.'} Ask for a new one below.
				</p>
			) : sent ? (
				<Notice tone="success">
					If that address belongs to an account still waiting for confirmation, we have sent it a link. Open it to confirm your email, then
					sign in.
				</Notice>
			) : loaderData.token ? null : (
				<p>Open the link we sent you to confirm your email address. No message? Send it again.</p>
			)}
			<Form method="post" {...form.props} noValidate>
				<FormErrors id={form.errorId} errors={form.errors} />
				<Field label="Email" meta={fields.email} type="email" inputProps={{ autoComplete: 'email' }} />
				<SubmitButton pendingText="Sending…">Send again</SubmitButton>
			</Form>
			<p>
				Already confirmed? <Link to="/login">Sign in</Link>
			</p>
		</section>
	)
}
