/**
 * The bare baseline of `npm run bench`: the markup of Taskwell's signed-in
 * /tasks page, element for element (the quick add with "More options",
 * the tabs, "Search and sort", 50 rows each with its done toggle and its
 * delete form, the list footer), rendered from a loader that returns
 * constant data: the 50 tasks the bench adds to Taskwell through its forms,
 * their due labels worked out once. No auth, no API, no database, no
 * security middleware, no form library. Kept in step with
 * app/routes/tasks/index.tsx and its +shared/task-item.tsx: the bench
 * prints both pages' sizes, which should stay within a few per cent.
 */
import { Form, Link, useFetcher, useLocation } from 'react-router'
import { listFromTaskApi } from '../task-api.server.ts'

type Task = {
	id: string
	title: string
	notes: string | null
	completed: boolean
	priority: 'low' | 'normal' | 'high'
	due: { state: 'overdue' | 'today' | 'tomorrow' | 'later'; label: string } | null
}

const PRIORITIES = ['low', 'normal', 'high'] as const
const PRIORITY_LABELS = { low: 'Low', normal: 'Normal', high: 'High' } as const
const dateFormat = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeZone: 'UTC' })

/** A row's due label: the bench's due dates are all years ahead ("later"). */
function dueOf(dueDate: string | null): Task['due'] {
	return dueDate ? { state: 'later', label: `Due ${dateFormat.format(new Date(`${dueDate}T00:00:00Z`))}` } : null
}

// What the bench adds to Taskwell (bench/run.ts), newest first, with the
// fields Taskwell's loader sends for a row.
const ITEMS: Task[] = Array.from({ length: 50 }, (_, i) => {
	const n = 50 - i
	const dueDate = n % 2 === 0 ? `2030-01-${String((n % 28) + 1).padStart(2, '0')}` : null
	return {
		id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
		title: `Task number ${n}`,
		notes: n % 3 === 0 ? `Some notes for task ${n}` : null,
		completed: false,
		priority: PRIORITIES[n % 3]!,
		due: dueOf(dueDate),
	}
})
const LIST = { items: ITEMS, nextCursor: null as string | null, counts: { all: 50, active: 50, completed: 0 } }

export function meta() {
	return [{ title: 'Your tasks · Taskwell' }]
}

/** The "floor" row (BARE_TASKS_API set): the same 50 tasks, from the task API (./task-api.server.ts). */
async function listFromApi(): Promise<typeof LIST> {
	const list = await listFromTaskApi()
	return {
		...list,
		items: list.items.map((task) => ({
			id: task.id,
			title: task.title,
			notes: task.notes,
			completed: task.completed,
			priority: task.priority,
			due: dueOf(task.dueDate),
		})),
	}
}

export async function loader() {
	return {
		name: 'Bench User',
		timeZone: null,
		view: { status: 'all', sort: 'newest' },
		cursor: null,
		list: process.env.BARE_TASKS_API ? await listFromApi() : LIST,
		invalid: null,
		addKey: crypto.randomUUID(),
	}
}

function TaskItem({ task }: { task: Task }) {
	const toggle = useFetcher({ key: `toggle-${task.id}` })
	const remove = useFetcher({ key: `delete-${task.id}` })
	const justEdited = useLocation().hash === `#task-${task.id}`
	void toggle
	void remove
	return (
		<li className={`task-item${task.completed ? ' is-completed' : ''}${justEdited ? ' is-just-edited' : ''}`} data-task-id={task.id}>
			<Form method="post" className="task-toggle">
				<input type="hidden" name="intent" value="toggle" />
				<input type="hidden" name="id" value={task.id} />
				<input type="hidden" name="completed" value={String(!task.completed)} />
				<button type="submit" className="task-check">
					<span className="task-check-box" aria-hidden="true" />
					<span className="sr-only">
						{task.completed ? 'Mark not done' : 'Mark done'}: <bdi>{task.title}</bdi>
					</span>
				</button>
			</Form>
			<div className="task-main">
				<Link to={`/tasks/${task.id}`} className="task-title" id={`task-${task.id}`}>
					<bdi>{task.title}</bdi>
				</Link>
				{task.due || task.priority !== 'normal' || task.notes ? (
					<p className="task-meta">
						{task.due ? <span className={`due due-${task.due.state}`}>{task.due.label}</span> : null}
						{task.priority !== 'normal' ? (
							<span className={`badge priority-${task.priority}`}>{PRIORITY_LABELS[task.priority]} priority</span>
						) : null}
						{task.notes ? (
							<span className="task-notes" dir="auto">
								{task.notes}
							</span>
						) : null}
					</p>
				) : null}
				<span className="sr-only">{task.completed ? 'Done' : 'Not done'}</span>
			</div>
			<div className="task-actions">
				<Form method="get" action={`/tasks/${task.id}/delete`}>
					<button type="submit" className="button-secondary task-delete" aria-label={`Delete: ${task.title}`}>
						Delete
					</button>
				</Form>
			</div>
		</li>
	)
}

export default function Tasks({ loaderData }: { loaderData: Awaited<ReturnType<typeof loader>> }) {
	const { name, list, addKey } = loaderData
	return (
		<div className="tasks-page">
			<h1 className="tasks-greeting">
				Hello, <bdi>{name}</bdi>
			</h1>
			<section className="card quick-add" aria-labelledby="add-task-heading">
				<h2 id="add-task-heading" className="sr-only">
					Add a task
				</h2>
				<Form method="post" id="add-task" noValidate className="task-form task-form-quick">
					<input type="hidden" name="intent" value="create" />
					<input type="hidden" name="idempotencyKey" value={addKey} />
					<div className="quick-add-line">
						<div className="field task-form-title">
							<label htmlFor="add-task-title">Title</label>
							<input
								required
								id="add-task-title"
								form="add-task"
								type="text"
								minLength={1}
								maxLength={200}
								autoComplete="off"
								name="title"
							/>
						</div>
						<button type="submit">Add task</button>
					</div>
					<details className="more-options">
						<summary>More options</summary>
						<div className="task-form-grid">
							<div className="field task-form-notes">
								<label htmlFor="add-task-notes">Notes</label>
								<textarea id="add-task-notes" name="notes" form="add-task" maxLength={5000} rows={2} />
							</div>
							<div className="field">
								<label htmlFor="add-task-dueDate">Due date</label>
								<input id="add-task-dueDate" form="add-task" type="date" name="dueDate" />
							</div>
							<div className="field">
								<label htmlFor="add-task-priority">Priority</label>
								<select id="add-task-priority" name="priority" form="add-task" defaultValue="normal">
									{PRIORITIES.map((priority) => (
										<option key={priority} value={priority}>
											{PRIORITY_LABELS[priority]}
										</option>
									))}
								</select>
							</div>
						</div>
					</details>
				</Form>
			</section>
			<section className="card task-list-card" aria-labelledby="tasks-heading">
				<h2 id="tasks-heading" tabIndex={-1}>
					Your tasks
				</h2>
				<nav aria-label="Filter tasks" className="tabs">
					<Link to="/tasks" aria-current="page" className="tab">
						All <span className="count">({list.counts.all})</span>
					</Link>
					<Link to="/tasks?status=active" className="tab">
						Active <span className="count">({list.counts.active})</span>
					</Link>
					<Link to="/tasks?status=completed" className="tab">
						Completed <span className="count">({list.counts.completed})</span>
					</Link>
				</nav>
				<details className="list-options">
					<summary>Search and sort</summary>
					<Form method="get" action="/tasks" className="list-controls" role="search">
						<div className="field">
							<label htmlFor="task-search">Search</label>
							<input id="task-search" type="search" maxLength={200} name="q" defaultValue="" />
						</div>
						<div className="field">
							<label htmlFor="task-sort">Sort</label>
							<select id="task-sort" name="sort" defaultValue="newest">
								<option value="newest">Newest first</option>
								<option value="oldest">Oldest first</option>
								<option value="due-soonest">Due soonest</option>
								<option value="due-latest">Due latest</option>
								<option value="priority">Highest priority</option>
							</select>
						</div>
						<button type="submit" className="button-secondary">
							Apply
						</button>
					</Form>
				</details>
				<ul className="task-list">
					{list.items.map((task) => (
						<TaskItem key={task.id} task={task} />
					))}
				</ul>
				<div className="list-footer" />
			</section>
		</div>
	)
}
