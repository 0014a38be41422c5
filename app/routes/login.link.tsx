import { data, Link } from 'react-router'
import type { Route } from './+types/login.link'
import { TokenLinkPage } from '#app/components/token-link-page.tsx'
import { redirectWithAuthCookies } from '#app/lib/auth-actions.server.ts'
import { routeHeaders } from '#app/lib/http/route-headers.ts'
import { TOKEN_PAGE_HEADERS, tokenPageLoader } from '#app/lib/token-link.server.ts'
import { MagicLinkVerifySchema } from '#app/lib/schemas/sign-in-methods.ts'
import { verifyMagicLink } from '#app/lib/sign-in-methods.server.ts'
import { ThrottledError, throttleMessage } from '#app/lib/throttle.server.ts'

export const meta: Route.MetaFunction = () => [{ title: 'Sign in by link · Taskwell' }]

const PRIVATE = TOKEN_PAGE_HEADERS

export const headers = routeHeaders(PRIVATE)

/**
 * /login/link?token=… (the emailed sign-in link) only shows a "Sign in"
 * button: a GET uses nothing up, so a mail scanner that follows the link
 * cannot spend it. The POST (token in a hidden field) uses the token once
 * and lands on /tasks. The request log records the path only, never the
 * query, so the token stays out of the logs.
 */
export function loader({ request }: Route.LoaderArgs) {
	return tokenPageLoader(request)
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
	return (
		<TokenLinkPage
			title="Sign in to Taskwell"
			token={loaderData.token}
			problem={actionData?.problem}
			afterProblem={
				<>
					<Link to="/login">Ask for a new link</Link> or sign in with your password.
				</>
			}
			prompt="Continue to sign in with the link we emailed you."
			button="Sign in"
			pendingText="Signing in…"
			noToken={
				<>
					Open the link we emailed you to sign in, or <Link to="/login">go back to the sign-in page</Link>.
				</>
			}
		/>
	)
}
