/**
 * /workspaces/new: a name and a URL slug (made from the name when left
 * empty). Better Auth's organization is created first, then the task API's
 * workspace (workspace-lifecycle.server.ts); the new workspace's tasks follow.
 */
import { Form } from 'react-router'
import type { Route } from './+types/new'
import { userContext } from '#app/context.server.ts'
import { Field, FormErrors, SubmitButton } from '#app/components/forms.tsx'
import { getFormConstraint } from '#app/lib/forms/constraint.ts'
import { useZodForm } from '#app/lib/forms/use-zod-form.ts'
import { routeHeaders } from '#app/lib/http/route-headers.ts'
import { CreateWorkspaceSchema, RenameSchema as WorkspaceNameOnly } from './+shared/schemas.ts'
import { createWorkspace } from './+shared/workspace-lifecycle.server.ts'
import { redirectWithNotice, runWorkspaceForm } from './+shared/forms.server.ts'
import { workspaceHref } from './+shared/workspace.server.ts'

export const meta: Route.MetaFunction = () => [{ title: 'Create workspace · Taskwell' }]

export const headers = routeHeaders()

export async function action({ request, context }: Route.ActionArgs) {
	const current = context.get(userContext)
	const formData = await request.formData()
	if (formData.get('intent') !== 'create') throw new Response('Unknown action', { status: 400 })
	return runWorkspaceForm('create', formData, CreateWorkspaceSchema, async (value) => {
		const outcome = await createWorkspace(request, context, current, value)
		if (!outcome.ok) return outcome
		return redirectWithNotice(request, workspaceHref(outcome.slug), `Workspace “${value.name}” created.`)
	})
}

/** The HTML constraints (the schema ends in a transform, which conform's reader does not look through). */
const constraint = {
	intent: { required: true },
	name: getFormConstraint(WorkspaceNameOnly).name!,
	slug: { required: false, maxLength: 48 },
}

export default function NewWorkspace({ actionData }: Route.ComponentProps) {
	const [form, fields] = useZodForm(CreateWorkspaceSchema, { id: 'create-workspace', lastResult: actionData?.result, constraint })
	return (
		<section className="card narrow">
			<h1>Create workspace</h1>
			<p>A workspace is a task list you share: invite people to it once it exists.</p>
			<Form method="post" {...form.props} noValidate>
				<FormErrors id={form.errorId} errors={form.errors} />
				<Field label="Name" meta={fields.name} type="text" inputProps={{ autoComplete: 'off' }} />
				<Field
					label="URL slug"
					meta={fields.slug}
					type="text"
					hint="Its address: /w/<slug>. Lower-case letters, digits and hyphens; left empty, it is made from the name."
					inputProps={{ autoComplete: 'off', spellCheck: false }}
				/>
				<SubmitButton name="intent" value="create" pendingText="Creating workspace…">
					Create workspace
				</SubmitButton>
			</Form>
		</section>
	)
}
