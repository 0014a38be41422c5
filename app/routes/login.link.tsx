import { data, Form, Link } from 'react-router'
import type { Route } from './+types/login.link'
import { SubmitButton } from '#app/components/forms.tsx'
import { redirectWithAuthCookies } from '#app/lib/auth-actions.server.ts'
import { routeHeaders } from '#app/lib/route-headers.ts'
import { MagicLinkVerifySchema } from '#app/lib/schemas/sign-in-methods.ts'
import { verifyMagicLink } from '#app/lib/sign-in-methods.server.ts'
import { ThrottledError, throttleMessage } from '#app/lib/throttle.server.ts'

export const meta: Route.MetaFunction = () => [{ title: 'Sign in by link · Taskwell' }]

const PRIVATE = { 'Cache-Control': 'no-store', 'Referrer-Policy': 'same-origin' }

export const headers = routeHeaders(PRIVATE)

/**
 * /login/link?token=… (the emailed sign-in link) only shows a "Sign in"
 * button: a GET uses nothing up, so a mail scanner that follows the link
 * cannot spend it. The POST (token in a hidden field) uses the token once
 * and lands on /tasks. The request log records the path only, never the
 * query, so the token stays out of the logs.
 */
export function loader({ request }: Route.LoaderArgs) {
	const token = new URL(request.url).searchParams.get('token')?.slice(0, 4096) || null
	return data({ token }, { headers: PRIVATE })
}

export async function action({ request, context }: Route.ActionArgs) {
	const parsed = MagicLinkVerifySchema.safeParse({ token: (await request.formData()).get('token') ?? undefined })
	if (!parsed.success) return data({ problem: 'This sign-in link is not valid.' }, { status: 400, headers: PRIVATE })
	try {
		const outcome = await verifyMagicLink(request, context, parsed.data.token)
		if (outcome.ok) return redirectWithAuthCookies('/tasks', outcome.headers)
	} catch (error) {
		if (!(error instanceof ThrottledError)) throw error
		return data(
			{ problem: throttleMessage(error.retryAfterSeconds) },
			{ status: 429, headers: { ...PRIVATE, 'Retry-After': String(error.retryAfterSeconds) } },
		)
	}
	return data({ problem: 'This sign-in link has expired or has already been used.' }, { status: 400, headers: PRIVATE })
}

export default function LoginLink({ loaderData, actionData }: Route.ComponentProps) {
	const problem = actionData?.problem
	return (
		<section className="card narrow">
			<h1>Sign in to Taskwell</h1>
			{problem ? (
				<p role="alert">
					{problem} <Link to="/login">Ask for a new link</Link> or sign in with your password.
				</p>
			) : loaderData.token ? (
				<Form method="post">
					<p>Continue to sign in with the link we emailed you.</p>
					<input type="hidden" name="token" value={loaderData.token} />
					<SubmitButton pendingText="Signing in…">Sign in</SubmitButton>
				</Form>
			) : (
				<p>
					Open the link we emailed you to sign in, or <Link to="/login">go back to the sign-in page</Link>.
				</p>
			)}
		</section>
	)
}
