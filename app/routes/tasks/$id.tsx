import { data, Form, Link, useSearchParams } from 'react-router'
import type { Route } from './+types/$id'
import { TaskForm } from './+shared/task-form.tsx'
import { TasksErrorBoundary } from './+shared/error-boundary.tsx'
import { listHref, UNAVAILABLE_MESSAGE, viewParams } from './+shared/view.ts'
import { backToListLabel, useListBase } from '#app/lib/task-lists.ts'
import { workspaceView } from './+shared/workspace-view.server.ts'
import { saveTask } from './+shared/actions.server.ts'
import { tasksApiContext } from '#app/context.server.ts'
import { taskPermissions } from '#common/workspace-roles.ts'
import { loadOrUnavailable } from './+shared/load-or-unavailable.server.ts'
import { Notice } from '#app/components/notice.tsx'

// The title between first-strong isolate and pop directional isolate (the
// plain-text <bdi>): a right-to-left title cannot reorder " · Taskwell".
export const meta: Route.MetaFunction = ({ data }) => [
	{ title: data?.task ? `\u2068${data.task.title}\u2069 · Taskwell` : 'Task · Taskwell' },
]

export async function loader({ context, params }: Route.LoaderArgs) {
	const api = context.get(tasksApiContext)
	// null only after a save that met an outage (its message and input are on the page).
	const task = await loadOrUnavailable(api, () => api.getTask(params.id))
	return data({ task, workspace: workspaceView(context) })
}

export async function action({ request, context, params }: Route.ActionArgs) {
	const formData = await request.formData()
	if (formData.get('intent') !== 'update') throw new Response('Unknown intent', { status: 400 })
	return saveTask(request, context, formData, params.id)
}

export const ErrorBoundary = TasksErrorBoundary

export default function TaskPage({ loaderData, actionData, params }: Route.ComponentProps) {
	const [searchParams] = useSearchParams()
	const view = viewParams(searchParams)
	const { task, workspace } = loaderData
	const base = useListBase()
	const query = view.size ? `?${view}` : ''
	// What the page offers (the task API decides what is allowed, whatever the page shows).
	const canEdit = !workspace || taskPermissions.update(workspace.role)
	const canDelete = !workspace || (task !== null && taskPermissions.delete(workspace.role, task.createdBy === workspace.me))
	const nameOf = (userId: string | null) => workspace?.people.find((person) => person.userId === userId)?.name ?? 'a former member'
	return (
		<section className="card task-page">
			<p className="back-link">
				<Link to={listHref(view, base)}>← {backToListLabel(base)}</Link>
			</p>
			<h1>{canEdit ? 'Edit task' : <bdi>{task?.title ?? 'Task'}</bdi>}</h1>
			{task ? (
				<p className="task-status">
					{task.completed ? `Done${task.completedAt ? ` on ${task.completedAt.slice(0, 10)}` : ''}` : 'Not done'} · added{' '}
					{task.createdAt.slice(0, 10)}
					{workspace ? (
						<>
							{' '}
							by <bdi>{nameOf(task.createdBy)}</bdi>
							{task.assigneeId ? (
								<>
									{' '}
									· assigned to <bdi>{nameOf(task.assigneeId)}</bdi>
								</>
							) : null}
						</>
					) : null}
				</p>
			) : (
				<Notice tone="error">{UNAVAILABLE_MESSAGE}</Notice>
			)}
			{canEdit ? null : task?.notes ? (
				<p className="task-notes" dir="auto">
					{task.notes}
				</p>
			) : null}
			{canEdit ? (
				<TaskForm
					id={`edit-${params.id}`}
					intent="update"
					submitLabel="Save"
					pendingLabel="Saving…"
					lastResult={actionData?.result}
					defaultValue={
						task
							? {
									title: task.title,
									notes: task.notes ?? '',
									dueDate: task.dueDate ?? '',
									priority: task.priority,
									assigneeId: task.assigneeId ?? '',
								}
							: undefined
					}
					people={workspace?.people}
				/>
			) : null}
			{canDelete ? (
				<Form method="get" action={`${base}/${params.id}/delete${query}`} className="danger-zone">
					{[...view.entries()].map(([key, value]) => (
						<input key={key} type="hidden" name={key} value={value} />
					))}
					<button type="submit" className="button-danger">
						Delete
					</button>
				</Form>
			) : null}
		</section>
	)
}
