import { parseWithZod } from '@conform-to/zod/v4'
import { data, Form, Link, redirect } from 'react-router'
import type { Route } from './+types/reset-password'
import { withStrongPassword } from '#app/lib/auth/password-strength.server.ts'
import { FormErrors, NewPasswordFields, SubmitButton } from '#app/components/forms.tsx'
import { isResetTokenUsable, resetPassword, resetTokenAccount } from './+shared/password-reset.server.ts'
import { getFormConstraint } from '#app/lib/forms/constraint.ts'
import { useZodForm } from '#app/lib/forms/use-zod-form.ts'
import { INVALID_RESET_LINK_MESSAGE, ResetPasswordSchema } from './+shared/schemas.ts'
import { routeHeaders } from '#app/lib/http/route-headers.ts'
import { TOKEN_PAGE_HEADERS } from './+shared/token-link.server.ts'
import { orThrottledReply } from '#app/lib/throttle.server.ts'

export const meta: Route.MetaFunction = () => [{ title: 'Reset password · Taskwell' }]

const HIDDEN_FIELDS = ['newPassword', 'confirmPassword']
// The token is in the URL: never cache this page, never send it to other sites.
const PRIVATE = TOKEN_PAGE_HEADERS

export const headers = routeHeaders(PRIVATE)

export async function loader({ request }: Route.LoaderArgs) {
	const token = new URL(request.url).searchParams.get('token') ?? ''
	const valid = await isResetTokenUsable(token)
	return data({ token: valid ? token : '', valid }, { headers: PRIVATE })
}

export async function action({ request, context }: Route.ActionArgs) {
	const formData = await request.formData()
	// The strength check knows the account's email (its name part is refused).
	const owner = await resetTokenAccount(String(formData.get('token') ?? ''))
	const submission = parseWithZod(formData, { schema: withStrongPassword(ResetPasswordSchema, 'newPassword', owner?.email) })
	if (submission.status !== 'success') {
		return data({ result: submission.reply({ hideFields: HIDDEN_FIELDS }), invalidToken: false }, { status: 400, headers: PRIVATE })
	}
	return orThrottledReply(
		submission,
		{
			hideFields: HIDDEN_FIELDS,
			headers: PRIVATE,
			extra: { invalidToken: false },
		},
		async () => {
			const outcome = await resetPassword(request, context, submission.value)
			if (!outcome.ok) {
				return data({ result: submission.reply({ hideFields: HIDDEN_FIELDS }), invalidToken: true }, { status: 400, headers: PRIVATE })
			}
			// Every session of the account has ended; sign in with the new password.
			return redirect('/login?reset=1', { headers: PRIVATE })
		},
	)
}

const constraint = getFormConstraint(ResetPasswordSchema)

export default function ResetPassword({ loaderData, actionData }: Route.ComponentProps) {
	const [form, fields] = useZodForm(ResetPasswordSchema, {
		id: 'reset-password',
		lastResult: actionData?.result,
		constraint,
	})
	if (!loaderData.valid || actionData?.invalidToken) {
		return (
			<section className="card narrow">
				<h1>This link does not work</h1>
				<p role="alert">{INVALID_RESET_LINK_MESSAGE}</p>
				<p>
					<Link to="/forgot-password">Ask for a new reset link</Link>
				</p>
			</section>
		)
	}
	return (
		<section className="card narrow">
			<h1>Choose a new password</h1>
			<Form method="post" {...form.props} noValidate>
				<FormErrors id={form.errorId} errors={form.errors} />
				<input type="hidden" name="token" value={loaderData.token} />
				<NewPasswordFields password={fields.newPassword} confirm={fields.confirmPassword} />
				<p className="hint">Resetting your password signs you out everywhere.</p>
				<SubmitButton pendingText="Resetting…">Reset password</SubmitButton>
			</Form>
		</section>
	)
}
