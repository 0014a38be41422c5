/**
 * /invitations/<id>, the link in an invitation mail; signed in or not (it
 * is outside the signed-in layout). A GET only shows the invitation: a mail
 * scanner that follows the link changes nothing. "Accept invitation" and
 * "Decline" are POST buttons, for an account whose verified email is the
 * invited address (invitations.server.ts does the rest).
 *
 * - Signed out: which workspace invited them, and links to sign in or to
 *   create an account that come back here (redirectTo; after the emailed
 *   confirmation of a new account too).
 * - Signed in with another address, or one not yet confirmed: says whom the
 *   invitation is for, and offers no buttons.
 * - Unknown, used, revoked, declined or expired: "This invitation is no
 *   longer valid." (404).
 */
import { data, Form, Link } from 'react-router'
import type { Route } from './+types/$id'
import { Notice } from '#app/components/notice.tsx'
import { FormErrors, SubmitButton } from '#app/components/forms.tsx'
import { getCurrentSession } from '#app/lib/auth/session.server.ts'
import { loginRedirectUrl } from '#app/lib/http/redirect.ts'
import { ThrottledError, throttleMessage } from '#app/lib/throttle.server.ts'
import { resendVerification } from '#app/routes/auth/+shared/email-verification.server.ts'
import { ROLE_LABELS } from '#common/workspace-roles.ts'
import {
	acceptInvitation,
	declineInvitation,
	findInvitation,
	invitationRecipientCheck,
} from '#app/routes/workspaces/+shared/invitations.server.ts'
import { INVITATION_GONE_MESSAGE } from '#app/routes/workspaces/+shared/schemas.ts'
import { redirectWithNotice } from '#app/routes/workspaces/+shared/forms.server.ts'
import { workspaceHref } from '#app/routes/workspaces/+shared/workspace.server.ts'

export const meta: Route.MetaFunction = ({ loaderData }) => [
	{
		title:
			loaderData && 'invitation' in loaderData
				? `Invitation to ${loaderData.invitation.workspaceName} · Taskwell`
				: 'Invitation · Taskwell',
	},
]

/** Never cached, never sent on in a Referer (the id is what opens the invitation). */
const PRIVATE = { 'Cache-Control': 'no-store', 'Referrer-Policy': 'same-origin' }

export function headers() {
	return PRIVATE
}

const dateFormat = new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeZone: 'UTC' })

export async function loader({ request, context, params }: Route.LoaderArgs) {
	const found = await findInvitation(params.id)
	if (!found) return data({ gone: true as const }, { status: 404, headers: PRIVATE })
	const current = await getCurrentSession(request, context)
	const recipient = current ? await invitationRecipientCheck(current, found) : null
	return data(
		{
			gone: false as const,
			invitation: {
				email: found.email,
				role: ROLE_LABELS[found.role],
				workspaceName: found.workspace.name,
				inviterName: found.inviterName,
				expires: dateFormat.format(new Date(found.expiresAt)),
			},
			signedIn: current ? { email: current.user.email } : null,
			recipient,
			here: `/invitations/${encodeURIComponent(found.id)}`,
		},
		{ headers: PRIVATE },
	)
}

export async function action({ request, context, params }: Route.ActionArgs) {
	const current = await getCurrentSession(request, context)
	if (!current) throw new Response(null, { status: 302, headers: { Location: loginRedirectUrl(request), ...PRIVATE } })
	const intent = (await request.formData()).get('intent')
	if (intent === 'accept') {
		const outcome = await acceptInvitation(request, context, current, params.id)
		if (!outcome.ok) return data({ error: outcome.message }, { status: outcome.status, headers: PRIVATE })
		return redirectWithNotice(request, workspaceHref(outcome.slug), `Welcome to ${outcome.name}.`)
	}
	if (intent === 'decline') {
		const outcome = await declineInvitation(request, context, current, params.id)
		if (!outcome.ok) return data({ error: outcome.message }, { status: outcome.status, headers: PRIVATE })
		return redirectWithNotice(request, '/tasks', `You declined the invitation to ${outcome.name}.`)
	}
	if (intent === 'send-verification') {
		const found = await findInvitation(params.id)
		if (!found) return data({ error: INVITATION_GONE_MESSAGE }, { status: 404, headers: PRIVATE })
		try {
			await resendVerification(request, context, current.user.email, `/invitations/${encodeURIComponent(found.id)}`)
		} catch (error) {
			if (!(error instanceof ThrottledError)) throw error
			return data(
				{ error: throttleMessage(error.retryAfterSeconds) },
				{ status: 429, headers: { ...PRIVATE, 'Retry-After': String(error.retryAfterSeconds) } },
			)
		}
		return redirectWithNotice(
			request,
			`/invitations/${encodeURIComponent(found.id)}`,
			`We sent a confirmation link to ${current.user.email}.`,
		)
	}
	throw new Response('Unknown action', { status: 400 })
}

export default function Invitation({ loaderData, actionData }: Route.ComponentProps) {
	if (loaderData.gone) {
		return (
			<section className="card narrow">
				<h1>Invitation</h1>
				<p>{INVITATION_GONE_MESSAGE}</p>
				<p>Ask whoever invited you to send a new one.</p>
			</section>
		)
	}
	const { invitation, signedIn, recipient, here } = loaderData
	const next = `redirectTo=${encodeURIComponent(here)}`
	return (
		<section className="card narrow">
			<h1>Join {invitation.workspaceName}</h1>
			<p>
				{invitation.inviterName ? (
					<>
						<bdi>{invitation.inviterName}</bdi> invited
					</>
				) : (
					'You are invited'
				)}{' '}
				<bdi>{invitation.email}</bdi> to the workspace <strong>{invitation.workspaceName}</strong> on Taskwell, as {invitation.role}. The
				invitation expires on {invitation.expires}.
			</p>
			{!signedIn ? (
				<>
					<p>Sign in with that email address to accept it, or create an account with it.</p>
					<p className="actions">
						<Link className="button" to={`/login?${next}`}>
							Sign in
						</Link>
						<Link className="button button-secondary" to={`/signup?${next}`}>
							Create an account
						</Link>
					</p>
				</>
			) : recipient === 'ok' ? (
				<Form method="post">
					<FormErrors id="invitation-error" errors={actionData?.error ? [actionData.error] : undefined} />
					<p className="actions">
						<SubmitButton name="intent" value="accept" pendingText="Joining…">
							Accept invitation
						</SubmitButton>
						<SubmitButton name="intent" value="decline" pendingText="Declining…" className="button-secondary">
							Decline
						</SubmitButton>
					</p>
				</Form>
			) : recipient === 'unverified' ? (
				<Form method="post">
					<FormErrors id="invitation-error" errors={actionData?.error ? [actionData.error] : undefined} />
					<Notice tone="error">
						Confirm your email address ({signedIn.email}) to accept: we send you a link, and it brings you back here.
					</Notice>
					<SubmitButton name="intent" value="send-verification" pendingText="Sending…">
						Send confirmation link
					</SubmitButton>
				</Form>
			) : (
				<Notice tone="error">
					This invitation is for {invitation.email}, and you are signed in as {signedIn.email}. Sign out, then sign in (or create an
					account) with {invitation.email} to accept it.
				</Notice>
			)}
		</section>
	)
}
