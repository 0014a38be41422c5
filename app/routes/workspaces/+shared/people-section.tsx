/**
 * The members page's People section: everyone in the workspace, with the
 * role and removal forms the caller's role allows on each row.
 */
import { Form } from 'react-router'
import { FormErrors, SelectField, SubmitButton } from '#app/components/forms.tsx'
import { getFormConstraint } from '#app/lib/forms/constraint.ts'
import { useZodForm } from '#app/lib/forms/use-zod-form.ts'
import { memberPermissions, ROLE_LABELS, WORKSPACE_ROLES, type WorkspaceRole } from '#common/workspace-roles.ts'
import type { WorkspaceActionData } from './forms.server.ts'
import { type LastResult, type Person, resultFor, Section } from './members-page-kit.tsx'
import { ChangeRoleSchema, RemoveMemberSchema } from './schemas.ts'

export function PeopleSection({
	people,
	me,
	role,
	actionData,
}: {
	people: Person[]
	me: string
	role: WorkspaceRole
	actionData?: WorkspaceActionData
}) {
	return (
		<Section id="people" title="People">
			<ul className="session-list">
				{people.map((person) => (
					<PersonRow key={person.userId} person={person} me={me} role={role} actionData={actionData} />
				))}
			</ul>
		</Section>
	)
}

const changeRoleConstraint = getFormConstraint(ChangeRoleSchema)
const removeConstraint = getFormConstraint(RemoveMemberSchema)

function PersonRow({
	person,
	me,
	role,
	actionData,
}: {
	person: Person
	me: string
	role: WorkspaceRole
	actionData?: WorkspaceActionData
}) {
	const key = { name: 'userId', value: person.userId }
	const isMe = person.userId === me
	const assignable = WORKSPACE_ROLES.filter((to) => to === person.role || memberPermissions.changeRole(role, person.role, to))
	const mayChange = !isMe && assignable.length > 1
	const mayRemove = !isMe && memberPermissions.remove(role, person.role)
	return (
		<li className="session-item">
			<p>
				<strong>
					<bdi>{person.name}</bdi>
				</strong>
				{isMe ? ' (you)' : ''} · <bdi>{person.email}</bdi> · <span className="role-badge">{ROLE_LABELS[person.role]}</span>
			</p>
			{mayChange ? <ChangeRoleForm person={person} roles={assignable} lastResult={resultFor(actionData, 'change-role', key)} /> : null}
			{mayRemove ? <RemoveForm person={person} lastResult={resultFor(actionData, 'remove-member', key)} /> : null}
		</li>
	)
}

function ChangeRoleForm({ person, roles, lastResult }: { person: Person; roles: WorkspaceRole[]; lastResult: LastResult }) {
	const [form, fields] = useZodForm(ChangeRoleSchema, {
		id: `change-role-${person.userId}`,
		lastResult,
		constraint: changeRoleConstraint,
		defaultValue: { role: person.role },
	})
	return (
		<Form method="post" {...form.props} noValidate className="inline-form">
			<FormErrors id={form.errorId} errors={form.errors} />
			<input type="hidden" name="userId" value={person.userId} />
			<SelectField label={`Role of ${person.name}`} meta={fields.role}>
				{roles.map((to) => (
					<option key={to} value={to}>
						{ROLE_LABELS[to]}
					</option>
				))}
			</SelectField>
			<SubmitButton name="intent" value="change-role" pendingText="Changing…" className="button-secondary">
				Change role
			</SubmitButton>
		</Form>
	)
}

function RemoveForm({ person, lastResult }: { person: Person; lastResult: LastResult }) {
	const [form] = useZodForm(RemoveMemberSchema, { id: `remove-${person.userId}`, lastResult, constraint: removeConstraint })
	return (
		<Form method="post" {...form.props} noValidate className="inline-form">
			<FormErrors id={form.errorId} errors={form.errors} />
			<input type="hidden" name="userId" value={person.userId} />
			<SubmitButton name="intent" value="remove-member" pendingText="Removing…" className="button-danger">
				Remove member
			</SubmitButton>
		</Form>
	)
}
