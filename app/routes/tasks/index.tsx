import { data, Form, Link, useFetcher, useLocation, useNavigation, useSearchParams } from 'react-router'
import { useEffect, useRef, useState, useSyncExternalStore } from 'react'
import type { Route } from './+types/index'
import { TaskForm } from './+shared/task-form.tsx'
import { useAddKey } from './+shared/use-add-key.ts'
import { TaskItem, type ListedTask } from './+shared/task-item.tsx'
import { TasksErrorBoundary } from './+shared/error-boundary.tsx'
import { LIST_SORTS, readListView } from '#app/routes/tasks/+shared/schemas-plain.ts'
import {
	INVALID_LIST_QUERY_MESSAGES,
	pageHrefs,
	SORT_LABELS,
	taskAnchor,
	UNAVAILABLE_MESSAGE,
	viewParams,
	type InvalidListQuery,
} from './+shared/view.ts'
import { DEFAULT_TIME_ZONE, dueOf, localeOf, todayIn } from './+shared/due.ts'
import { clearCompleted, deleteTask, rememberTimeZone, saveTask, toggleTask, undoDelete } from './+shared/actions.server.ts'
import { logger } from '#app/lib/logger.server.ts'
import { tasksApiContext, userContext } from '#app/context.server.ts'
import { TasksApiValidationError } from '#app/lib/tasks-api/errors.server.ts'
import { loadOrUnavailable } from './+shared/load-or-unavailable.server.ts'
import type { TaskStatus } from '#common/tasks-contract.ts'
import { routeHeaders } from '#app/lib/http/route-headers.ts'
import { Notice } from '#app/components/notice.tsx'
import { useListBase } from '#app/lib/task-lists.ts'
import { workspaceView } from './+shared/workspace-view.server.ts'
import { taskPermissions } from '#common/workspace-roles.ts'

export const meta: Route.MetaFunction = ({ data }) => [
	{ title: data?.workspace ? `Tasks · \u2068${data.workspace.name}\u2069 · Taskwell` : 'Your tasks · Taskwell' },
]

export async function loader({ request, context }: Route.LoaderArgs) {
	const { user } = context.get(userContext)
	const url = new URL(request.url)
	let view = readListView(url.searchParams)
	let cursor = url.searchParams.get('cursor') || undefined
	const api = context.get(tasksApiContext)
	const workspace = workspaceView(context)
	// "Assigned to me" exists only in a workspace.
	if (!workspace) view = { ...view, assignee: undefined }
	// A page link or search the API refuses (a forged or stale cursor, a
	// cursor of another sort, a NUL in the search): the first page instead,
	// without the refused search, with a notice and a 400.
	let invalid: InvalidListQuery | null = null
	const query = () => ({ status: view.status, q: view.q || undefined, ...LIST_SORTS[view.sort], assignee: view.assignee, cursor })
	const list = await loadOrUnavailable(api, async () => {
		try {
			return await api.listTasks(query())
		} catch (error) {
			if (!(error instanceof TasksApiValidationError)) throw error
			const fields = error.errors.map((entry) => entry.field)
			invalid = fields.includes('q') ? 'search' : 'page'
			logger.warn({ path: url.pathname, fields }, 'task list query refused by the task API: showing the first page')
			if (invalid === 'search') view = { ...view, q: undefined }
			cursor = undefined
			return api.listTasks(query())
		}
	})
	// Due dates against the user's own day, in the user's language.
	const today = todayIn(user.timeZone ?? DEFAULT_TIME_ZONE)
	const locale = localeOf(request.headers.get('accept-language'))
	const items: ListedTask[] = (list?.items ?? []).map((task) => ({
		id: task.id,
		title: task.title,
		notes: task.notes,
		completed: task.completed,
		priority: task.priority,
		due: task.dueDate ? dueOf(task.dueDate, today, locale) : null,
		...(workspace ? { createdBy: task.createdBy, assigneeId: task.assigneeId } : {}),
	}))
	return data(
		{
			name: user.name,
			timeZone: user.timeZone,
			workspace,
			view,
			cursor: cursor ?? null,
			// null only when a form of this request met an outage (its message and input are on the page).
			list: list ? { ...list, items } : null,
			invalid: invalid as InvalidListQuery | null,
			// addKey: the add form's one-time key, new on every render (a hydrated page keeps its key until an add is over: useAddKey).
			addKey: crypto.randomUUID(),
		},
		{ status: invalid ? 400 : 200 },
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
		case 'undo':
			return undoDelete(request, context, formData)
		case 'time-zone':
			return rememberTimeZone(request, context, formData)
		default:
			throw new Response('Unknown intent', { status: 400 })
	}
}

export const ErrorBoundary = TasksErrorBoundary

const TABS = [
	{ status: 'all', label: 'All' },
	{ status: 'active', label: 'Active' },
	{ status: 'completed', label: 'Completed' },
] as const satisfies ReadonlyArray<{ status: TaskStatus; label: string }>

const subscribeNothing = () => () => {}
/** True once the page runs JavaScript ("Load more" instead of "Next page"). */
function useHydrated() {
	return useSyncExternalStore(
		subscribeNothing,
		() => true,
		() => false,
	)
}

/** With JavaScript, remember the browser's time zone on the account (due dates count in the user's day). */
function useRememberTimeZone(saved: string | null) {
	const fetcher = useFetcher({ key: 'time-zone' })
	useEffect(() => {
		const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone
		if (!timeZone || timeZone === saved || fetcher.state !== 'idle' || fetcher.data) return
		void fetcher.submit({ intent: 'time-zone', timeZone }, { method: 'post', action: '/tasks' })
	}, [saved, fetcher])
}

export default function Tasks({ loaderData, actionData }: Route.ComponentProps) {
	const { name, view, list, cursor, invalid, workspace } = loaderData
	const base = useListBase()
	// What the page offers for the caller's role (the task API decides, whatever the page shows).
	const can = {
		create: !workspace || taskPermissions.create(workspace.role),
		update: !workspace || taskPermissions.update(workspace.role),
		clear: !workspace || taskPermissions.clearCompleted(workspace.role),
	}
	const nameOf = (userId: string | null | undefined) =>
		workspace?.people.find((person) => person.userId === userId)?.name ?? 'a former member'
	const [searchParams] = useSearchParams()
	const navigation = useNavigation()
	const location = useLocation()
	const hydrated = useHydrated()
	useRememberTimeZone(loaderData.timeZone)
	const viewSearch = viewParams(searchParams)
	// The refused search is not carried into the tabs and links.
	if (invalid === 'search') viewSearch.delete('q')
	const clearFetcher = useFetcher<{ ok: boolean; error?: string }>({ key: 'clear-completed' })
	const undoFetcher = useFetcher({ key: 'undo' })
	const more = useFetcher<typeof loader>()
	const headingRef = useRef<HTMLHeadingElement>(null)
	const searchRef = useRef<HTMLInputElement>(null)
	const searching = useRef(false)
	const result = actionData && 'result' in actionData ? actionData.result : undefined
	// A failed add renders the key it used again (its outcome may be unknown); a key is kept until an add is over.
	const addKey = useAddKey((actionData && 'addKey' in actionData ? actionData.addKey : undefined) ?? loaderData.addKey)
	const actionError = actionData && 'error' in actionData && navigation.state === 'idle' ? actionData.error : undefined

	// "Load more" (JavaScript): later pages appended below the first, until the view changes.
	const [appended, setAppended] = useState<{ forKey: string; items: ListedTask[]; nextCursor: string | null }>({
		forKey: location.key,
		items: [],
		nextCursor: null,
	})
	// (State adjusted while rendering, as React's "you might not need an effect" shows.)
	const [seen, setSeen] = useState({ more: more.data, undo: undoFetcher.data, clear: clearFetcher.data })
	if (more.state === 'idle' && more.data !== seen.more) {
		setSeen({ ...seen, more: more.data })
		const page = more.data?.list
		if (page) {
			const base = appended.forKey === location.key ? appended.items : []
			const ids = new Set(base.map((task) => task.id))
			setAppended({
				forKey: location.key,
				items: [...base, ...page.items.filter((task) => !ids.has(task.id))],
				nextCursor: page.nextCursor,
			})
		}
	}
	// An undo or "Clear completed" changes what later pages hold: back to the first page.
	if (
		(undoFetcher.state === 'idle' && undoFetcher.data !== seen.undo) ||
		(clearFetcher.state === 'idle' && clearFetcher.data !== seen.clear)
	) {
		setSeen({ ...seen, undo: undoFetcher.data, clear: clearFetcher.data })
		setAppended({ forKey: '', items: [], nextCursor: null })
	}
	const appendedNow = appended.forKey === location.key ? appended : null
	useEffect(() => {
		if (clearFetcher.state === 'idle' && clearFetcher.data?.ok) headingRef.current?.focus()
	}, [clearFetcher.state, clearFetcher.data])
	// After a search (JavaScript), focus stays in the search box.
	useEffect(() => {
		if (navigation.state === 'idle' && searching.current) {
			searching.current = false
			searchRef.current?.focus()
		}
	}, [navigation.state])

	const tabHref = (status: string) => {
		const params = new URLSearchParams(viewSearch)
		if (status === 'all') params.delete('status')
		else params.set('status', status)
		const qs = params.toString()
		return qs ? `${base}?${qs}` : base
	}
	const assignedToMeHref = () => {
		const params = new URLSearchParams(viewSearch)
		if (view.assignee) params.delete('assignee')
		else params.set('assignee', 'me')
		params.delete('cursor')
		const qs = params.toString()
		return qs ? `${base}?${qs}` : base
	}
	const nextCursor = appendedNow?.items.length ? appendedNow.nextCursor : (list?.nextCursor ?? null)
	const pages = pageHrefs(searchParams, list?.nextCursor ?? null)
	const clearing = clearFetcher.state !== 'idle'
	const allItems = [...(list?.items ?? []), ...(appendedNow?.items ?? [])]
	const items = allItems.filter((task) => !(clearing && task.completed))
	const filtered = Boolean(view.q) || view.status !== 'all'

	/**
	 * After a delete, focus the next task's title link (or, after the last
	 * one, the list heading). Found by taskAnchor, the id TaskItem gives the
	 * link; should the element found take no focus (another element with that
	 * id before it once did: issue 14 item 8), the heading gets it.
	 */
	const focusAfterDelete = (id: string) => {
		const index = items.findIndex((task) => task.id === id)
		const neighbour = items[index + 1]
		requestAnimationFrame(() => {
			const target = neighbour ? document.getElementById(taskAnchor(neighbour.id)) : null
			target?.focus()
			if (!target || document.activeElement !== target) headingRef.current?.focus()
		})
	}

	return (
		<div className="tasks-page">
			<h1 className="tasks-greeting">
				{workspace ? (
					<>
						Tasks in <bdi>{workspace.name}</bdi>
					</>
				) : (
					<>
						Hello, <bdi>{name}</bdi>
					</>
				)}
			</h1>
			{invalid ? <Notice tone="error">{INVALID_LIST_QUERY_MESSAGES[invalid]}</Notice> : null}
			<Notice tone="error">{actionError}</Notice>

			{/* A refused add (the role changed while the page was open) keeps its form: the refusal and the input stay in view. */}
			{can.create || result ? (
				<section className="card quick-add" aria-labelledby="add-task-heading">
					<h2 id="add-task-heading" className="sr-only">
						Add a task
					</h2>
					<TaskForm
						id="add-task"
						intent="create"
						submitLabel="Add task"
						pendingLabel="Adding…"
						lastResult={result}
						addKey={addKey}
						quick
						people={workspace?.people}
					/>
				</section>
			) : (
				<p className="read-only-note">As a viewer you can read this workspace’s tasks but not change them.</p>
			)}

			<section className="card task-list-card" aria-labelledby="tasks-heading">
				<h2 id="tasks-heading" ref={headingRef} tabIndex={-1}>
					{workspace ? 'Tasks' : 'Your tasks'}
				</h2>
				{!list ? (
					<div role="alert" className="flash flash-error">
						<p>{UNAVAILABLE_MESSAGE}</p>
						<p>
							<Link to={`${base}${searchParams.size ? `?${searchParams}` : ''}`} reloadDocument>
								Try again
							</Link>
						</p>
					</div>
				) : (
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
							{workspace ? (
								<Link to={assignedToMeHref()} aria-current={view.assignee ? 'true' : undefined} className="tab tab-filter">
									Assigned to me
								</Link>
							) : null}
						</nav>
						<details className="list-options" open={Boolean(view.q) || view.sort !== 'newest' || undefined}>
							<summary>Search and sort</summary>
							<Form
								method="get"
								action={base}
								className="list-controls"
								role="search"
								onSubmit={() => {
									searching.current = true
								}}
							>
								{view.status !== 'all' ? <input type="hidden" name="status" value={view.status} /> : null}
								{view.assignee ? <input type="hidden" name="assignee" value={view.assignee} /> : null}
								<div className="field">
									<label htmlFor="task-search">Search</label>
									<input id="task-search" ref={searchRef} type="search" name="q" defaultValue={view.q ?? ''} maxLength={200} />
								</div>
								<div className="field">
									<label htmlFor="task-sort">Sort</label>
									<select id="task-sort" name="sort" defaultValue={view.sort} key={view.sort}>
										{Object.entries(SORT_LABELS).map(([value, label]) => (
											<option key={value} value={value}>
												{label}
											</option>
										))}
									</select>
								</div>
								<button type="submit" className="button-secondary">
									Apply
								</button>
							</Form>
						</details>
						{clearFetcher.data && !clearFetcher.data.ok && clearFetcher.state === 'idle' ? (
							<Notice tone="error">{clearFetcher.data.error}</Notice>
						) : null}
						{items.length ? (
							<ul className="task-list">
								{items.map((task) => (
									<TaskItem
										key={task.id}
										task={task}
										view={viewSearch}
										onDeleting={focusAfterDelete}
										base={base}
										canToggle={can.update}
										canDelete={!workspace || taskPermissions.delete(workspace.role, task.createdBy === workspace.me)}
										byline={
											workspace
												? `Added by ${nameOf(task.createdBy)}${task.assigneeId ? ` · Assigned to ${nameOf(task.assigneeId)}` : ''}`
												: undefined
										}
									/>
								))}
							</ul>
						) : (
							<p className="empty-state">
								{filtered
									? 'No tasks match this view. Try another tab or clear the search.'
									: workspace
										? 'No tasks in this workspace yet.'
										: 'You have no tasks yet. Add your first one with the form above.'}
							</p>
						)}
						<div className="list-footer">
							{hydrated && nextCursor ? (
								<button
									type="button"
									className="button-secondary"
									aria-disabled={more.state !== 'idle' || undefined}
									onClick={() => {
										if (more.state !== 'idle') return
										const params = new URLSearchParams(viewSearch)
										params.set('cursor', nextCursor)
										void more.load(`${base}?${params}`)
									}}
								>
									{more.state !== 'idle' ? 'Loading…' : 'Load more'}
								</button>
							) : null}
							{!hydrated && pages.next ? (
								<Link to={pages.next} className="button button-secondary" rel="next">
									Next page
								</Link>
							) : null}
							{pages.previous ? (
								<Link to={pages.previous} rel="prev">
									Previous page
								</Link>
							) : null}
							{cursor && !pages.previous ? <Link to={tabHref(view.status)}>Back to the first page</Link> : null}
							{list.counts.completed > 0 && can.clear ? (
								<Form
									method="post"
									onSubmit={(event) => {
										event.preventDefault()
										const formData = new FormData(event.currentTarget)
										formData.set('js', '1')
										void clearFetcher.submit(formData, { method: 'post' })
									}}
								>
									<input type="hidden" name="intent" value="clear-completed" />
									<button type="submit" className="button-secondary">
										Clear completed
									</button>
								</Form>
							) : null}
						</div>
					</>
				)}
			</section>
		</div>
	)
}
