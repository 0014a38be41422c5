import { data, Form, Link, useFetcher, useLocation, useNavigation, useSearchParams } from 'react-router'
import { useEffect, useRef } from 'react'
import type { Route } from './+types/index'
import { TaskForm } from './+shared/task-form.tsx'
import { TaskItem } from './+shared/task-item.tsx'
import { ListViewSchema, type ListView } from '#app/lib/schemas/tasks.ts'
import { INVALID_LIST_QUERY_MESSAGES, noticeText, UNAVAILABLE_MESSAGE, viewParams, type InvalidListQuery } from './+shared/view.ts'
import { clearCompleted, deleteTask, saveTask, toggleTask } from './+shared/actions.server.ts'
import { logger } from '#app/lib/logger.server.ts'
import { tasksApiContext, TasksApiUnavailableError, TasksApiValidationError } from './+shared/tasks-api.server.ts'
import { userContext } from '#app/lib/session.server.ts'
import { DEFAULT_SORT_ORDER, type TaskList } from '#common/tasks-contract.ts'
import { routeHeaders } from '#app/lib/route-headers.ts'

export const meta: Route.MetaFunction = () => [{ title: 'Your tasks · Taskwell' }]

function readView(url: URL): ListView {
	return ListViewSchema.parse({
		status: url.searchParams.get('status') ?? undefined,
		q: url.searchParams.get('q') ?? undefined,
		sort: url.searchParams.get('sort') ?? undefined,
		order: url.searchParams.get('order') ?? undefined,
	})
}

export async function loader({ request, context }: Route.LoaderArgs) {
	const { user } = context.get(userContext)
	const url = new URL(request.url)
	let view = readView(url)
	let cursor = url.searchParams.get('cursor') || undefined
	const api = context.get(tasksApiContext)
	let list: TaskList | null = null
	let unavailable = false
	// A page link or search the API refuses (a forged or stale cursor, a
	// cursor of another sort, a NUL in the search): the first page instead,
	// without the refused search, with a notice and a 400.
	let invalid: InvalidListQuery | null = null
	try {
		try {
			list = await api.listTasks({ ...view, q: view.q || undefined, cursor })
		} catch (error) {
			if (!(error instanceof TasksApiValidationError)) throw error
			const fields = error.errors.map((entry) => entry.field)
			invalid = fields.includes('q') ? 'search' : 'page'
			logger.warn({ path: url.pathname, fields }, 'task list query refused by the task API: showing the first page')
			if (invalid === 'search') view = { ...view, q: undefined }
			cursor = undefined
			list = await api.listTasks({ ...view, q: view.q || undefined })
		}
	} catch (error) {
		if (!(error instanceof TasksApiUnavailableError)) throw error
		unavailable = true
	}
	return data(
		// addKey: the add form's one-time key, new on every render (so after every successful add).
		{ name: user.name, view, cursor: cursor ?? null, list, unavailable, invalid, addKey: crypto.randomUUID() },
		{ status: unavailable ? 503 : invalid ? 400 : 200 },
	)
}

/** A throttled add (429) keeps its Retry-After on the page. */
export const headers = routeHeaders()

export async function action({ request, context }: Route.ActionArgs) {
	const formData = await request.formData()
	switch (formData.get('intent')) {
		case 'create':
			return saveTask(request, context, formData)
		case 'toggle':
			return toggleTask(request, context, formData)
		case 'delete':
			return deleteTask(request, context, formData, formData.get('id'))
		case 'clear-completed':
			return clearCompleted(request, context, formData)
		default:
			throw new Response('Unknown intent', { status: 400 })
	}
}

const TABS = [
	{ status: 'all', label: 'All' },
	{ status: 'active', label: 'Active' },
	{ status: 'completed', label: 'Completed' },
] as const

const SORT_LABELS = { created: 'Newest first', due: 'Due date', priority: 'Priority' } as const

export default function Tasks({ loaderData, actionData }: Route.ComponentProps) {
	const { name, view, list, unavailable, cursor, invalid } = loaderData
	const [searchParams] = useSearchParams()
	const navigation = useNavigation()
	const viewSearch = viewParams(searchParams)
	// The refused search is not carried into the tabs, links and forms.
	if (invalid === 'search') viewSearch.delete('q')
	const notice = noticeText(searchParams.get('notice'))
	const clearFetcher = useFetcher<{ ok: boolean; error?: string }>({ key: 'clear-completed' })
	const headingRef = useRef<HTMLHeadingElement>(null)
	const result = actionData && 'result' in actionData ? actionData.result : undefined
	// A failed add renders the key it used again (its outcome may be unknown).
	const addKey = (actionData && 'addKey' in actionData ? actionData.addKey : undefined) ?? loaderData.addKey
	const actionError = actionData && 'error' in actionData && navigation.state === 'idle' ? actionData.error : undefined
	// After a successful add (a redirect back here with notice=added), the add
	// form resets and the title field gets the focus again.
	// (A failed submission has actionData; a redirect after success has none.)
	const location = useLocation()
	const addedKey = searchParams.get('notice') === 'added' && !actionData ? location.key : undefined
	useEffect(() => {
		if (clearFetcher.state === 'idle' && clearFetcher.data?.ok) headingRef.current?.focus()
	}, [clearFetcher.state, clearFetcher.data])

	const tabHref = (status: string) => {
		const params = new URLSearchParams(viewSearch)
		if (status === 'all') params.delete('status')
		else params.set('status', status)
		const qs = params.toString()
		return qs ? `/tasks?${qs}` : '/tasks'
	}
	const moreHref = (() => {
		if (!list?.nextCursor) return null
		const params = new URLSearchParams(viewSearch)
		params.set('cursor', list.nextCursor)
		return `/tasks?${params}`
	})()
	const clearing = clearFetcher.state !== 'idle'
	const items = (list?.items ?? []).filter((task) => !(clearing && task.completed))
	const filtered = Boolean(view.q) || view.status !== 'all'

	return (
		<div className="tasks-page">
			<h1>
				Hello, <bdi>{name}</bdi>
			</h1>
			{notice ? (
				<p role="status" className="flash flash-success">
					{notice}
				</p>
			) : null}
			{invalid ? (
				<p role="alert" className="flash flash-error">
					{INVALID_LIST_QUERY_MESSAGES[invalid]}
				</p>
			) : null}
			{actionError ? (
				<p role="alert" className="flash flash-error">
					{actionError}
				</p>
			) : null}

			<section className="card" aria-labelledby="add-task-heading">
				<h2 id="add-task-heading">Add a task</h2>
				<TaskForm
					id="add-task"
					intent="create"
					submitLabel="Add task"
					pendingLabel="Adding…"
					lastResult={navigation.state === 'idle' ? result : undefined}
					view={viewSearch}
					resetKey={addedKey}
					addKey={addKey}
				/>
			</section>

			<section className="card" aria-labelledby="tasks-heading">
				<h2 id="tasks-heading" ref={headingRef} tabIndex={-1}>
					Your tasks
				</h2>
				{unavailable ? (
					<div role="alert" className="flash flash-error">
						<p>{UNAVAILABLE_MESSAGE}</p>
						<p>
							<Link to={`/tasks${searchParams.size ? `?${searchParams}` : ''}`} reloadDocument>
								Try again
							</Link>
						</p>
					</div>
				) : list ? (
					<>
						<nav aria-label="Filter tasks" className="tabs">
							{TABS.map((tab) => (
								<Link
									key={tab.status}
									to={tabHref(tab.status)}
									aria-current={view.status === tab.status ? 'page' : undefined}
									className="tab"
								>
									{tab.label} <span className="count">({list.counts[tab.status]})</span>
								</Link>
							))}
						</nav>
						<Form method="get" action="/tasks" className="list-controls" role="search">
							{view.status !== 'all' ? <input type="hidden" name="status" value={view.status} /> : null}
							<div className="field">
								<label htmlFor="task-search">Search</label>
								<input id="task-search" type="search" name="q" defaultValue={view.q ?? ''} key={view.q ?? ''} maxLength={200} />
							</div>
							<div className="field">
								<label htmlFor="task-sort">Sort by</label>
								<select id="task-sort" name="sort" defaultValue={view.sort} key={view.sort}>
									{Object.entries(SORT_LABELS).map(([value, label]) => (
										<option key={value} value={value}>
											{label}
										</option>
									))}
								</select>
							</div>
							<div className="field">
								<label htmlFor="task-order">Order</label>
								<select
									id="task-order"
									name="order"
									defaultValue={view.order ?? DEFAULT_SORT_ORDER[view.sort]}
									key={`${view.sort}-${view.order}`}
								>
									<option value="asc">Ascending</option>
									<option value="desc">Descending</option>
								</select>
							</div>
							<button type="submit" className="button-secondary">
								Apply
							</button>
						</Form>
						{clearFetcher.data && !clearFetcher.data.ok && clearFetcher.state === 'idle' ? (
							<p role="alert" className="flash flash-error">
								{clearFetcher.data.error}
							</p>
						) : null}
						{items.length ? (
							<ul className="task-list">
								{items.map((task) => (
									<TaskItem key={task.id} task={task} view={viewSearch} onDeleted={() => headingRef.current?.focus()} />
								))}
							</ul>
						) : (
							<p className="empty-state">
								{filtered
									? 'No tasks match this view. Try another tab or clear the search.'
									: 'You have no tasks yet. Add your first one with the form above.'}
							</p>
						)}
						<div className="list-footer">
							{moreHref ? (
								<Link to={moreHref} className="button button-secondary">
									Load more
								</Link>
							) : null}
							{cursor ? <Link to={tabHref(view.status)}>Back to the first page</Link> : null}
							{list.counts.completed > 0 ? (
								<Form
									method="post"
									action="/tasks"
									onSubmit={(event) => {
										event.preventDefault()
										const formData = new FormData(event.currentTarget)
										formData.set('js', '1')
										void clearFetcher.submit(formData, { method: 'post', action: '/tasks' })
									}}
								>
									<input type="hidden" name="intent" value="clear-completed" />
									{[...viewSearch.entries()].map(([key, value]) => (
										<input key={key} type="hidden" name={key} value={value} />
									))}
									<button type="submit" className="button-secondary">
										Clear completed
									</button>
								</Form>
							) : null}
						</div>
					</>
				) : null}
			</section>
		</div>
	)
}
