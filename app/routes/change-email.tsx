import { data, Form, Link, redirect } from 'react-router'
import type { Route } from './+types/change-email'
import { SubmitButton } from '#app/components/forms.tsx'
import { routeHeaders } from '#app/lib/route-headers.ts'
import { MagicLinkVerifySchema } from '#app/lib/schemas/sign-in-methods.ts'
import { confirmEmailChange } from '#app/lib/sign-in-methods.server.ts'

export const meta: Route.MetaFunction = () => [{ title: 'Confirm your new email · Taskwell' }]

const PRIVATE = { 'Cache-Control': 'no-store', 'Referrer-Policy': 'same-origin' }

export const headers = routeHeaders(PRIVATE)

/**
 * /change-email?token=… (the link sent to the new address) only shows a
 * button: a GET changes nothing. Its POST changes the account's email to
 * the new address; sessions stay.
 */
export function loader({ request }: Route.LoaderArgs) {
	const token = new URL(request.url).searchParams.get('token')?.slice(0, 4096) || null
	return data({ token }, { headers: PRIVATE })
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
	const problem = actionData?.problem
	return (
		<section className="card narrow">
			<h1>Confirm your new email</h1>
			{problem ? (
				<p role="alert">
					{problem} Ask for a new one in <Link to="/settings">Settings</Link>.
				</p>
			) : loaderData.token ? (
				<Form method="post">
					<p>Use this address for your Taskwell account from now on.</p>
					<input type="hidden" name="token" value={loaderData.token} />
					<SubmitButton pendingText="Confirming…">Confirm new email</SubmitButton>
				</Form>
			) : (
				<p>Open the link we sent to your new address to confirm it.</p>
			)}
		</section>
	)
}
