import { data, Form, Link, useNavigation, useSearchParams } from 'react-router'
import type { Route } from './+types/$id'
import { TaskForm } from './+shared/task-form.tsx'
import { listHref, UNAVAILABLE_MESSAGE, viewParams } from './+shared/view.ts'
import { saveTask } from './+shared/actions.server.ts'
import { tasksApiContext, TasksApiUnavailableError } from './+shared/tasks-api.server.ts'

// The title between first-strong isolate and pop directional isolate (the
// plain-text <bdi>): a right-to-left title cannot reorder " · Taskwell".
export const meta: Route.MetaFunction = ({ data }) => [
	{ title: data && 'task' in data && data.task ? `\u2068${data.task.title}\u2069 · Taskwell` : 'Task · Taskwell' },
]

export async function loader({ context, params }: Route.LoaderArgs) {
	const api = context.get(tasksApiContext)
	try {
		const task = await api.getTask(params.id)
		return data({ task, unavailable: false })
	} catch (error) {
		if (!(error instanceof TasksApiUnavailableError)) throw error
		return data({ task: null, unavailable: true }, { status: 503 })
	}
}

export async function action({ request, context, params }: Route.ActionArgs) {
	const formData = await request.formData()
	if (formData.get('intent') !== 'update') throw new Response('Unknown intent', { status: 400 })
	return saveTask(request, context, formData, params.id)
}

export default function TaskPage({ loaderData, actionData }: Route.ComponentProps) {
	const [searchParams] = useSearchParams()
	const navigation = useNavigation()
	const view = viewParams(searchParams)
	const { task } = loaderData
	const backHref = listHref(view)
	if (!task) {
		return (
			<section className="card narrow">
				<h1>Task</h1>
				<div role="alert" className="flash flash-error">
					<p>{UNAVAILABLE_MESSAGE}</p>
				</div>
				<p>
					<Link to={`?${searchParams}`} reloadDocument>
						Try again
					</Link>{' '}
					· <Link to={backHref}>Back to your tasks</Link>
				</p>
			</section>
		)
	}
	return (
		<section className="card task-page">
			<p className="back-link">
				<Link to={backHref}>← Back to your tasks</Link>
			</p>
			<h1>Edit task</h1>
			<p className="task-status">
				{task.completed ? `Done${task.completedAt ? ` on ${task.completedAt.slice(0, 10)}` : ''}` : 'Not done'} · added{' '}
				{task.createdAt.slice(0, 10)}
			</p>
			<TaskForm
				id={`edit-${task.id}`}
				intent="update"
				submitLabel="Save"
				pendingLabel="Saving…"
				lastResult={navigation.state === 'idle' && actionData ? actionData.result : undefined}
				defaultValue={{
					title: task.title,
					notes: task.notes ?? '',
					dueDate: task.dueDate ?? '',
					priority: task.priority,
				}}
				view={view}
			/>
			<Form method="get" action={`/tasks/${task.id}/delete`} className="danger-zone">
				{[...view.entries()].map(([key, value]) => (
					<input key={key} type="hidden" name={key} value={value} />
				))}
				<button type="submit" className="button-danger">
					Delete
				</button>
			</Form>
		</section>
	)
}
