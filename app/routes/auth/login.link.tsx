import { Link } from 'react-router'
import type { Route } from './+types/login.link'
import { TokenLinkPage } from './+shared/token-link-page.tsx'
import { redirectWithAuthCookies } from '#app/lib/auth/redirect-with-cookies.server.ts'
import { routeHeaders } from '#app/lib/http/route-headers.ts'
import { TOKEN_PAGE_HEADERS, tokenLinkAction, tokenPageLoader } from './+shared/token-link.server.ts'
import { verifyMagicLink } from './+shared/sign-in-link.server.ts'
import { SUSPENDED_MESSAGE } from '#app/lib/auth/suspended.ts'

export const meta: Route.MetaFunction = () => [{ title: 'Sign in by link · Taskwell' }]

export const headers = routeHeaders(TOKEN_PAGE_HEADERS)

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

export function action({ request, context }: Route.ActionArgs) {
	return tokenLinkAction(
		request,
		async (token) => {
			const outcome = await verifyMagicLink(request, context, token)
			if (outcome.ok) return redirectWithAuthCookies('/tasks', outcome.headers)
			return outcome.suspended ? 'suspended' : 'spent'
		},
		{
			invalid: 'This sign-in link is not valid.',
			suspended: SUSPENDED_MESSAGE,
			spent: 'This sign-in link has expired or has already been used.',
		},
	)
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
