/**
 * The members page's Pending invitations section (for those who manage
 * the workspace): each invitation, with its revoke form.
 */
import { Form } from 'react-router'
import { FormErrors, SubmitButton } from '#app/components/forms.tsx'
import { getFormConstraint } from '#app/lib/forms/constraint.ts'
import { useZodForm } from '#app/lib/forms/use-zod-form.ts'
import { ROLE_LABELS, type WorkspaceRole } from '#common/workspace-roles.ts'
import type { WorkspaceActionData } from './forms.server.ts'
import { type LastResult, resultFor, Section } from './members-page-kit.tsx'
import { RevokeInvitationSchema } from './schemas.ts'

type Invitation = { id: string; email: string; role: WorkspaceRole; expiresAt: string }

const dateFormat = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeZone: 'UTC' })

export function PendingInvitationsSection({ invitations, actionData }: { invitations: Invitation[]; actionData?: WorkspaceActionData }) {
	return (
		<Section id="invitations" title="Pending invitations">
			{invitations.length === 0 ? (
				<p>No pending invitations.</p>
			) : (
				<ul className="session-list">
					{invitations.map((invitation) => (
						<InvitationRow
							key={invitation.id}
							invitation={invitation}
							lastResult={resultFor(actionData, 'revoke-invitation', { name: 'invitationId', value: invitation.id })}
						/>
					))}
				</ul>
			)}
		</Section>
	)
}

const revokeConstraint = getFormConstraint(RevokeInvitationSchema)

function InvitationRow({ invitation, lastResult }: { invitation: Invitation; lastResult: LastResult }) {
	const [form] = useZodForm(RevokeInvitationSchema, { id: `revoke-${invitation.id}`, lastResult, constraint: revokeConstraint })
	return (
		<li className="session-item">
			<p>
				<strong>
					<bdi>{invitation.email}</bdi>
				</strong>{' '}
				· {ROLE_LABELS[invitation.role]} · expires{' '}
				<time dateTime={invitation.expiresAt}>{dateFormat.format(new Date(invitation.expiresAt))}</time>
			</p>
			<Form method="post" {...form.props} noValidate className="inline-form">
				<FormErrors id={form.errorId} errors={form.errors} />
				<input type="hidden" name="invitationId" value={invitation.id} />
				<SubmitButton name="intent" value="revoke-invitation" pendingText="Revoking…" className="button-secondary">
					Revoke invitation
				</SubmitButton>
			</Form>
		</li>
	)
}
