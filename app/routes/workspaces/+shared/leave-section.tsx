/**
 * The members page's Leave workspace section.
 */
import { Form } from 'react-router'
import { FormErrors, SubmitButton } from '#app/components/forms.tsx'
import { getFormConstraint } from '#app/lib/forms/constraint.ts'
import { useZodForm } from '#app/lib/forms/use-zod-form.ts'
import type { WorkspaceActionData } from './forms.server.ts'
import { type LastResult, resultFor, Section } from './members-page-kit.tsx'
import { LeaveSchema } from './schemas.ts'

export function LeaveSection({ actionData }: { actionData?: WorkspaceActionData }) {
	return (
		<Section id="leave" title="Leave workspace">
			<LeaveForm lastResult={resultFor(actionData, 'leave')} />
		</Section>
	)
}

const leaveConstraint = getFormConstraint(LeaveSchema)

function LeaveForm({ lastResult }: { lastResult: LastResult }) {
	const [form] = useZodForm(LeaveSchema, { id: 'leave', lastResult, constraint: leaveConstraint })
	return (
		<Form method="post" {...form.props} noValidate>
			<FormErrors id={form.errorId} errors={form.errors} />
			<p>You lose access to its tasks; someone who manages it can invite you again.</p>
			<SubmitButton name="intent" value="leave" pendingText="Leaving…" className="button-danger">
				Leave workspace
			</SubmitButton>
		</Form>
	)
}
