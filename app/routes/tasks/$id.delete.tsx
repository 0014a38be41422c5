/**
 * The confirmation step of deleting a task without JavaScript: the GET only
 * shows the question and a form; the POST (to this same URL) deletes and
 * redirects back to the list, keeping its filter, search and sort, with an
 * "Undo" notice.
 */
import { data, Form, Link, useSearchParams } from 'react-router'
import type { Route } from './+types/$id.delete'
import { TasksErrorBoundary } from './+shared/error-boundary.tsx'
import { listHref, viewParams } from './+shared/view.ts'
import { useListBase } from '#app/lib/task-lists.ts'
import { deleteTask } from './+shared/actions.server.ts'
import { TASK_RESTORE_WINDOW_SECONDS } from '#common/tasks-limits.ts'
import { tasksApiContext } from '#app/context.server.ts'
import { loadOrUnavailable } from './+shared/load-or-unavailable.server.ts'
import { Notice } from '#app/components/notice.tsx'

export const meta: Route.MetaFunction = () => [{ title: 'Delete task · Taskwell' }]

export async function loader({ context, params }: Route.LoaderArgs) {
	const api = context.get(tasksApiContext)
	// null only after a delete that met an outage (its message is on the page).
	const task = await loadOrUnavailable(api, () => api.getTask(params.id))
	return data({ task: task ? { id: task.id, title: task.title } : null })
}

export async function action({ request, context, params }: Route.ActionArgs) {
	const formData = await request.formData()
	if (formData.get('intent') !== 'delete') throw new Response('Unknown intent', { status: 400 })
	return deleteTask(request, context, formData, params.id)
}

export const ErrorBoundary = TasksErrorBoundary

export default function DeleteTask({ loaderData, actionData }: Route.ComponentProps) {
	const [searchParams] = useSearchParams()
	const view = viewParams(searchParams)
	const base = useListBase()
	const { task } = loaderData
	const error = actionData && !actionData.ok ? actionData.error : undefined
	return (
		<section className="card narrow">
			<h1>Delete task?</h1>
			{task ? (
				<p>
					“
					<strong>
						<bdi>{task.title}</bdi>
					</strong>
					” will be deleted. You can undo this for {TASK_RESTORE_WINDOW_SECONDS} seconds.
				</p>
			) : null}
			<Notice tone="error">{error}</Notice>
			<Form method="post" className="form-actions">
				<input type="hidden" name="intent" value="delete" />
				<button type="submit" className="button-danger">
					Delete
				</button>
				<Link to={listHref(view, base)} className="button button-secondary">
					Cancel
				</Link>
			</Form>
		</section>
	)
}
