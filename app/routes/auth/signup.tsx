import { parseWithZod } from '@conform-to/zod/v4'
import { data, Form, Link, useSearchParams } from 'react-router'
import type { Route } from './+types/signup'
import { withStrongPassword } from '#app/lib/auth/password-strength.server.ts'
import { Field, FormErrors, NewPasswordFields, SubmitButton } from '#app/components/forms.tsx'
import { ProviderButtons } from './+shared/sign-in-providers.tsx'
import { providerIntent, signInPageLoader } from './+shared/provider-sign-in.server.ts'
import { redirectWithAuthCookies } from '#app/lib/auth/redirect-with-cookies.server.ts'
import { signUp } from './+shared/sign-in.server.ts'
import { FORM_CONSTRAINTS } from './+shared/schemas-plain.ts'
import { useZodForm } from '#app/lib/forms/use-zod-form.ts'
import { safeRedirect } from '#app/lib/http/redirect.ts'
import { SignupSchema } from './+shared/schemas.ts'
import { routeHeaders } from '#app/lib/http/route-headers.ts'
import { orThrottledReply } from '#app/lib/throttle.server.ts'

export const meta: Route.MetaFunction = () => [{ title: 'Create an account · Taskwell' }]

// Passes on the 429's Retry-After (and Cache-Control) to the page.
export const headers = routeHeaders()

const HIDDEN_FIELDS = ['password', 'confirmPassword']

export const loader = signInPageLoader

// No requireAnonymous() here: a POST makes and signs in the new account,
// replacing any session the browser holds (sessionMiddleware).

export async function action({ request, context }: Route.ActionArgs) {
	const formData = await request.formData()
	if (formData.get('intent') === 'provider') return providerIntent(request, context, formData)
	const submission = parseWithZod(formData, { schema: withStrongPassword(SignupSchema, 'password') })
	if (submission.status !== 'success') {
		return data({ result: submission.reply({ hideFields: HIDDEN_FIELDS }) }, { status: 400 })
	}
	const { name, email, password, redirectTo } = submission.value
	return orThrottledReply(submission, { hideFields: HIDDEN_FIELDS }, async () => {
		const target = redirectTo ? safeRedirect(redirectTo) : undefined
		const outcome = await signUp(request, context, { name, email, password }, target)
		if (!outcome.ok) {
			return data(
				{
					result: submission.reply({
						fieldErrors: {
							email: ['An account with this email already exists. Sign in instead.'],
						},
						hideFields: HIDDEN_FIELDS,
					}),
				},
				{ status: 409 },
			)
		}
		if (outcome.verificationRequired) {
			return redirectWithAuthCookies(`/verify-email?${new URLSearchParams({ email, sent: '1' })}`, outcome.headers)
		}
		return redirectWithAuthCookies(safeRedirect(redirectTo), outcome.headers)
	})
}

export default function Signup({ loaderData, actionData }: Route.ComponentProps) {
	const [searchParams] = useSearchParams()
	const redirectTo = searchParams.get('redirectTo') ?? ''
	const [form, fields] = useZodForm(() => import('./+shared/schemas.ts').then((schemas) => schemas.SignupSchema), {
		id: 'signup',
		lastResult: actionData && 'result' in actionData ? actionData.result : undefined,
		constraint: FORM_CONSTRAINTS.signup,
	})
	return (
		<section className="card narrow">
			<h1>Create an account</h1>
			<Form method="post" {...form.props} noValidate>
				<FormErrors id={form.errorId} errors={form.errors} />
				<Field label="Name" meta={fields.name} type="text" inputProps={{ autoComplete: 'name' }} />
				<Field label="Email" meta={fields.email} type="email" inputProps={{ autoComplete: 'email' }} />
				<NewPasswordFields password={fields.password} confirm={fields.confirmPassword} passwordLabel="Password" />
				<input type="hidden" name="redirectTo" value={redirectTo} />
				<SubmitButton pendingText="Creating account…">Create account</SubmitButton>
			</Form>
			<ProviderButtons
				providers={loaderData?.providers ?? []}
				redirectTo={redirectTo}
				error={actionData && 'providerError' in actionData ? actionData.providerError : undefined}
			/>
			<p>
				Already have an account? <Link to={redirectTo ? `/login?redirectTo=${encodeURIComponent(redirectTo)}` : '/login'}>Sign in</Link>
			</p>
		</section>
	)
}
