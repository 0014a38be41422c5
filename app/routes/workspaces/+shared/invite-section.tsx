/**
 * The members page's Invite member section: an email and one of the roles
 * the caller may grant.
 */
import { Form } from 'react-router'
import { Field, FormErrors, SelectField, SubmitButton } from '#app/components/forms.tsx'
import { getFormConstraint } from '#app/lib/forms/constraint.ts'
import { useZodForm } from '#app/lib/forms/use-zod-form.ts'
import { ROLE_LABELS, type WorkspaceRole } from '#common/workspace-roles.ts'
import type { WorkspaceActionData } from './forms.server.ts'
import { type LastResult, resultFor, Section } from './members-page-kit.tsx'
import { InviteSchema } from './schemas.ts'

export function InviteSection({ roles, actionData }: { roles: WorkspaceRole[]; actionData?: WorkspaceActionData }) {
	return (
		<Section id="invite" title="Invite member">
			<InviteForm roles={roles} lastResult={resultFor(actionData, 'invite')} />
		</Section>
	)
}

const inviteConstraint = getFormConstraint(InviteSchema)

function InviteForm({ roles, lastResult }: { roles: WorkspaceRole[]; lastResult: LastResult }) {
	const [form, fields] = useZodForm(InviteSchema, {
		id: 'invite',
		lastResult,
		constraint: inviteConstraint,
		defaultValue: { role: roles.includes('member') ? 'member' : roles[0] },
	})
	return (
		<Form method="post" {...form.props} noValidate>
			<FormErrors id={form.errorId} errors={form.errors} />
			<Field label="Email" meta={fields.email} type="email" inputProps={{ autoComplete: 'off' }} />
			<SelectField label="Role" meta={fields.role}>
				{roles.map((as) => (
					<option key={as} value={as}>
						{ROLE_LABELS[as]}
					</option>
				))}
			</SelectField>
			<SubmitButton name="intent" value="invite" pendingText="Inviting…">
				Invite member
			</SubmitButton>
		</Form>
	)
}
