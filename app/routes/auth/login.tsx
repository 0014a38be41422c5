import { parseWithZod } from '@conform-to/zod/v4'
import { data, Form, Link, useSearchParams } from 'react-router'
import type { Route } from './+types/login'
import { CheckboxField, Field, FormErrors, SubmitButton } from '#app/components/forms.tsx'
import { ProviderButtons } from './+shared/sign-in-providers.tsx'
import { providerErrorMessage } from '#app/lib/auth/provider-errors.ts'
import { FORM_CONSTRAINTS, MAGIC_LINK_SENT_MESSAGE } from './+shared/schemas-plain.ts'
import { magicLinkIntent } from './+shared/sign-in-link.server.ts'
import { providerIntent, signInPageLoader } from './+shared/provider-sign-in.server.ts'
import { SignInWithPasskey } from '#app/components/passkeys.tsx'
import { redirectWithAuthCookies } from '#app/lib/auth/redirect-with-cookies.server.ts'
import { signIn } from './+shared/sign-in.server.ts'
import { useZodForm } from '#app/lib/forms/use-zod-form.ts'
import { Notice } from '#app/components/notice.tsx'
import { safeRedirect } from '#app/lib/http/redirect.ts'
import { INVALID_CREDENTIALS_MESSAGE, LoginSchema } from './+shared/schemas.ts'
import { SUSPENDED_MESSAGE } from '#app/lib/auth/suspended.ts'
import { routeHeaders } from '#app/lib/http/route-headers.ts'
import { orThrottledReply } from '#app/lib/throttle.server.ts'

export const meta: Route.MetaFunction = () => [{ title: 'Sign in · Taskwell' }]

// Passes on the 429's Retry-After (and Cache-Control) to the page.
export const headers = routeHeaders()

const EMAIL_NOT_VERIFIED_MESSAGE = 'Confirm your email address before signing in: use the link we sent you.'

/** Notices shown after a redirect here (post/redirect/get). */
const NOTICES: Record<string, string> = {
	reset: 'Your password has been reset. Sign in with your new password.',
	verified: 'Your email address is confirmed. You can sign in now.',
	'link-sent': MAGIC_LINK_SENT_MESSAGE,
	expired: 'That sign-in has expired. Sign in again.',
}

const HIDDEN_FIELDS = ['password']

export const loader = signInPageLoader

// No requireAnonymous() here: a POST signs in whoever's credentials are
// given, and ends the session the browser had (see signIn()).
export async function action({ request, context }: Route.ActionArgs) {
	const formData = await request.formData()
	// The other ways in (issue 10): a provider's button, an emailed link.
	if (formData.get('intent') === 'provider') return providerIntent(request, context, formData)
	if (formData.get('intent') === 'magic-link') return magicLinkIntent(request, context, formData)
	const submission = parseWithZod(formData, { schema: LoginSchema })
	if (submission.status !== 'success') {
		return data({ result: submission.reply({ hideFields: HIDDEN_FIELDS }) }, { status: 400 })
	}
	const { email, password, rememberMe, redirectTo } = submission.value
	return orThrottledReply(submission, { hideFields: HIDDEN_FIELDS }, async () => {
		const outcome = await signIn(request, context, {
			email,
			password,
			rememberMe: rememberMe ?? false,
		})
		if (!outcome.ok && outcome.reason === 'email-not-verified') {
			return data(
				{
					result: submission.reply({
						formErrors: [EMAIL_NOT_VERIFIED_MESSAGE],
						hideFields: HIDDEN_FIELDS,
					}),
					unverifiedEmail: email,
				},
				{ status: 403 },
			)
		}
		if (!outcome.ok && outcome.reason === 'suspended') {
			return data({ result: submission.reply({ formErrors: [SUSPENDED_MESSAGE], hideFields: HIDDEN_FIELDS }) }, { status: 403 })
		}
		if (!outcome.ok) {
			return data(
				{
					result: submission.reply({
						formErrors: [INVALID_CREDENTIALS_MESSAGE],
						hideFields: HIDDEN_FIELDS,
					}),
				},
				{ status: 401 },
			)
		}
		if (outcome.twoFactor) {
			// Right password, 2FA on: no session yet, only the challenge cookie.
			const next = redirectTo ? `?${new URLSearchParams({ redirectTo })}` : ''
			return redirectWithAuthCookies(`/login/two-factor${next}`, outcome.headers)
		}
		return redirectWithAuthCookies(safeRedirect(redirectTo), outcome.headers)
	})
}

export default function Login({ loaderData, actionData }: Route.ComponentProps) {
	const [searchParams] = useSearchParams()
	const redirectTo = searchParams.get('redirectTo') ?? ''
	const notice = Object.entries(NOTICES).find(([key]) => searchParams.get(key) === '1')?.[1]
	const providerError =
		actionData && 'providerError' in actionData ? actionData.providerError : providerErrorMessage(searchParams.get('error'))
	const unverifiedEmail = actionData && 'unverifiedEmail' in actionData ? String(actionData.unverifiedEmail) : undefined
	const [form, fields] = useZodForm(
		() =>
			import('./+shared/schemas.ts').then(
				(schemas) => (formData: FormData) =>
					formData.get('intent') === 'magic-link' ? schemas.MagicLinkRequestSchema : schemas.LoginSchema,
			),
		{ id: 'login', lastResult: actionData && 'result' in actionData ? actionData.result : undefined, constraint: FORM_CONSTRAINTS.login },
	)
	return (
		<section className="card narrow">
			<h1>Sign in</h1>
			<Notice tone="success">{notice}</Notice>
			<Form method="post" {...form.props} noValidate>
				<FormErrors id={form.errorId} errors={form.errors} />
				{unverifiedEmail ? (
					<p>
						<Link to={`/verify-email?${new URLSearchParams({ email: unverifiedEmail })}`}>Send the confirmation link again</Link>
					</p>
				) : null}
				<Field label="Email" meta={fields.email} type="email" inputProps={{ autoComplete: 'email' }} />
				<Field label="Password" meta={fields.password} type="password" inputProps={{ autoComplete: 'current-password' }} />
				<CheckboxField label="Remember me" meta={fields.rememberMe} />
				<input type="hidden" name="redirectTo" value={redirectTo} />
				<SubmitButton pendingText="Signing in…">Sign in</SubmitButton>
				<SubmitButton name="intent" value="magic-link" className="secondary" pendingText="Sending…">
					Email me a sign-in link
				</SubmitButton>
			</Form>
			<ProviderButtons providers={loaderData?.providers ?? []} redirectTo={redirectTo} error={providerError} />
			<SignInWithPasskey redirectTo={redirectTo || '/tasks'} rememberMeId={fields.rememberMe.id} />
			<p>
				<Link to="/forgot-password">Forgot password?</Link>
			</p>
			<p>
				New to Taskwell? <Link to={redirectTo ? `/signup?redirectTo=${encodeURIComponent(redirectTo)}` : '/signup'}>Create an account</Link>
			</p>
		</section>
	)
}
