/**
 * The members page's Workspace section, for owners: rename the workspace,
 * transfer its ownership, delete it.
 */
import { Form } from 'react-router'
import { Field, FormErrors, SelectField, SubmitButton } from '#app/components/forms.tsx'
import { getFormConstraint } from '#app/lib/forms/constraint.ts'
import { useZodForm } from '#app/lib/forms/use-zod-form.ts'
import type { WorkspaceActionData } from './forms.server.ts'
import { type LastResult, type Person, resultFor, Section } from './members-page-kit.tsx'
import { DeleteWorkspaceSchema, RenameSchema, TransferSchema } from './schemas.ts'

/** `others`: everyone but the caller (whom ownership can be transferred to). */
export function WorkspaceSection({ name, others, actionData }: { name: string; others: Person[]; actionData?: WorkspaceActionData }) {
	return (
		<Section id="workspace" title="Workspace" danger>
			<RenameForm name={name} lastResult={resultFor(actionData, 'rename')} />
			<TransferForm people={others} lastResult={resultFor(actionData, 'transfer')} />
			<DeleteForm name={name} lastResult={resultFor(actionData, 'delete-workspace')} />
		</Section>
	)
}

const renameConstraint = getFormConstraint(RenameSchema)

function RenameForm({ name, lastResult }: { name: string; lastResult: LastResult }) {
	const [form, fields] = useZodForm(RenameSchema, { id: 'rename', lastResult, constraint: renameConstraint, defaultValue: { name } })
	return (
		<Form method="post" {...form.props} noValidate key={name}>
			<FormErrors id={form.errorId} errors={form.errors} />
			<Field label="Name" meta={fields.name} type="text" inputProps={{ autoComplete: 'off' }} />
			<SubmitButton name="intent" value="rename" pendingText="Renaming…" className="button-secondary">
				Rename workspace
			</SubmitButton>
		</Form>
	)
}

const transferConstraint = getFormConstraint(TransferSchema)

function TransferForm({ people, lastResult }: { people: Person[]; lastResult: LastResult }) {
	const [form, fields] = useZodForm(TransferSchema, { id: 'transfer', lastResult, constraint: transferConstraint })
	if (people.length === 0) return <p>Invite someone to be able to transfer ownership to them.</p>
	return (
		<Form method="post" {...form.props} noValidate>
			<FormErrors id={form.errorId} errors={form.errors} />
			<SelectField label="New owner" meta={fields.userId} hint="They become an owner of the workspace.">
				{people.map((person) => (
					<option key={person.userId} value={person.userId}>
						{person.name} ({person.email})
					</option>
				))}
			</SelectField>
			<SubmitButton name="intent" value="transfer" pendingText="Transferring…" className="button-secondary">
				Transfer ownership
			</SubmitButton>
		</Form>
	)
}

const deleteConstraint = getFormConstraint(DeleteWorkspaceSchema)

function DeleteForm({ name, lastResult }: { name: string; lastResult: LastResult }) {
	const [form, fields] = useZodForm(DeleteWorkspaceSchema, { id: 'delete-workspace', lastResult, constraint: deleteConstraint })
	return (
		<Form method="post" {...form.props} noValidate>
			<FormErrors id={form.errorId} errors={form.errors} />
			<Field
				label={`Type “${name}” to confirm`}
				meta={fields.confirmName}
				type="text"
				hint="Deleting the workspace deletes its tasks for everyone in it."
				inputProps={{ autoComplete: 'off' }}
			/>
			<SubmitButton name="intent" value="delete-workspace" pendingText="Deleting…" className="button-danger">
				Delete workspace
			</SubmitButton>
		</Form>
	)
}
