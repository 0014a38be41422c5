/**
 * The confirmation step of deleting a task without JavaScript: the GET only
 * shows the question and a form; the POST deletes and redirects back to the
 * list, keeping its filter, search and sort.
 */
import { data, Form, Link, useSearchParams } from 'react-router'
import type { Route } from './+types/$id.delete'
import { listHref, UNAVAILABLE_MESSAGE, viewParams } from './+shared/view.ts'
import { deleteTask } from './+shared/actions.server.ts'
import { tasksApiContext, TasksApiUnavailableError } from './+shared/tasks-api.server.ts'

export const meta: Route.MetaFunction = () => [{ title: 'Delete task · Taskwell' }]

export async function loader({ context, params }: Route.LoaderArgs) {
	const api = context.get(tasksApiContext)
	try {
		const task = await api.getTask(params.id)
		return data({ task: { id: task.id, title: task.title } })
	} catch (error) {
		if (!(error instanceof TasksApiUnavailableError)) throw error
		return data({ task: null }, { status: 503 })
	}
}

export async function action({ request, context, params }: Route.ActionArgs) {
	const formData = await request.formData()
	if (formData.get('intent') !== 'delete') throw new Response('Unknown intent', { status: 400 })
	return deleteTask(request, context, formData, params.id)
}

export default function DeleteTask({ loaderData, actionData }: Route.ComponentProps) {
	const [searchParams] = useSearchParams()
	const view = viewParams(searchParams)
	const { task } = loaderData
	const error = actionData && !actionData.ok ? actionData.error : undefined
	return (
		<section className="card narrow">
			<h1>Delete task?</h1>
			{task ? (
				<>
					<p>
						“
						<strong>
							<bdi>{task.title}</bdi>
						</strong>
						” will be deleted for good.
					</p>
					{error ? (
						<p role="alert" className="flash flash-error">
							{error}
						</p>
					) : null}
					<Form method="post" className="form-actions">
						<input type="hidden" name="intent" value="delete" />
						{[...view.entries()].map(([key, value]) => (
							<input key={key} type="hidden" name={key} value={value} />
						))}
						<button type="submit" className="button-danger">
							Delete
						</button>
						<Link to={listHref(view)} className="button button-secondary">
							Cancel
						</Link>
					</Form>
				</>
			) : (
				<p role="alert" className="flash flash-error">
					{UNAVAILABLE_MESSAGE}
				</p>
			)}
		</section>
	)
}
