import { data, Link, redirect } from 'react-router'
import type { Route } from './+types/change-email'
import { TokenLinkPage } from '#app/components/token-link-page.tsx'
import { routeHeaders } from '#app/lib/http/route-headers.ts'
import { TOKEN_PAGE_HEADERS, tokenPageLoader } from '#app/lib/token-link.server.ts'
import { MagicLinkVerifySchema } from '#app/lib/schemas/sign-in-methods.ts'
import { confirmEmailChange } from '#app/lib/sign-in-methods.server.ts'

export const meta: Route.MetaFunction = () => [{ title: 'Confirm your new email · Taskwell' }]

const PRIVATE = TOKEN_PAGE_HEADERS

export const headers = routeHeaders(PRIVATE)

/**
 * /change-email?token=… (the link sent to the new address) only shows a
 * button: a GET changes nothing. Its POST changes the account's email to
 * the new address; sessions stay.
 */
export function loader({ request }: Route.LoaderArgs) {
	return tokenPageLoader(request)
}

export async function action({ request, context }: Route.ActionArgs) {
	const parsed = MagicLinkVerifySchema.safeParse({ token: (await request.formData()).get('token') ?? undefined })
	const outcome = parsed.success
		? await confirmEmailChange(request, context, parsed.data.token)
		: ({ ok: false, reason: 'invalid' } as const)
	if (outcome.ok) throw redirect('/settings?email-change=done', { headers: PRIVATE })
	return data(
		{
			problem:
				outcome.reason === 'expired'
					? 'This confirmation link has expired.'
					: 'This confirmation link is not valid or has already been used.',
		},
		{ status: 400, headers: PRIVATE },
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
