import { Link, redirect } from 'react-router'
import type { Route } from './+types/change-email'
import { TokenLinkPage } from './+shared/token-link-page.tsx'
import { routeHeaders } from '#app/lib/http/route-headers.ts'
import { TOKEN_PAGE_HEADERS, tokenLinkAction, tokenPageLoader } from './+shared/token-link.server.ts'
import { confirmEmailChange } from './+shared/email-verification.server.ts'

export const meta: Route.MetaFunction = () => [{ title: 'Confirm your new email · Taskwell' }]

export const headers = routeHeaders(TOKEN_PAGE_HEADERS)

/**
 * /change-email?token=… (the link sent to the new address) only shows a
 * button: a GET changes nothing. Its POST changes the account's email to
 * the new address; sessions stay.
 */
export function loader({ request }: Route.LoaderArgs) {
	return tokenPageLoader(request)
}

export function action({ request, context }: Route.ActionArgs) {
	return tokenLinkAction(
		request,
		async (token) => {
			const outcome = await confirmEmailChange(request, context, token)
			return outcome.ok ? redirect('/settings?email-change=done', { headers: TOKEN_PAGE_HEADERS }) : outcome.reason
		},
		{
			invalid: 'This confirmation link is not valid or has already been used.',
			expired: 'This confirmation link has expired.',
		},
	)
}

export default function ChangeEmail({ loaderData, actionData }: Route.ComponentProps) {
	return (
		<TokenLinkPage
			title="Confirm your new email"
			token={loaderData.token}
			problem={actionData?.problem}
			afterProblem={
				<>
					Ask for a new one in <Link to="/settings">Settings</Link>.
				</>
			}
			prompt="Use this address for your Taskwell account from now on."
			button="Confirm new email"
			pendingText="Confirming…"
			noToken="Open the link we sent to your new address to confirm it."
		/>
	)
}
