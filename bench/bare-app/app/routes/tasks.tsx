/**
 * The bare baseline of `npm run bench`: Taskwell's task list markup (heading,
 * add form, tabs, search form, 50 items each with a toggle and a delete
 * form, footer) rendered from a loader that returns constant data. No auth,
 * no API, no database, no security middleware.
 */
import { Form, Link, useFetcher } from 'react-router'

type Task = {
	id: string
	title: string
	notes: string | null
	completed: boolean
	dueDate: string | null
	priority: 'low' | 'normal' | 'high'
	createdAt: string
	updatedAt: string
	completedAt: string | null
}

const PRIORITIES = ['low', 'normal', 'high'] as const
const PRIORITY_LABELS = { low: 'Low', normal: 'Normal', high: 'High' } as const

const ITEMS: Task[] = Array.from({ length: 50 }, (_, i) => {
	const n = 50 - i
	const created = new Date(Date.UTC(2026, 0, 1, 12, 0, n)).toISOString()
	return {
		id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
		title: `Task number ${n}`,
		notes: n % 3 === 0 ? `Some notes for task ${n}` : null,
		completed: n % 5 === 0,
		dueDate: n % 2 === 0 ? `2030-01-${String((n % 28) + 1).padStart(2, '0')}` : null,
		priority: PRIORITIES[n % 3]!,
		createdAt: created,
		updatedAt: created,
		completedAt: n % 5 === 0 ? created : null,
	}
})
const LIST = {
	items: ITEMS,
	nextCursor: null,
	counts: { all: 50, active: 40, completed: 10 },
}

export function meta() {
	return [{ title: 'Your tasks · Taskwell' }]
}

export function loader() {
	return { name: 'Bench User', list: LIST, addKey: crypto.randomUUID() }
}

function TaskItem({ task }: { task: Task }) {
	const toggle = useFetcher({ key: `toggle-${task.id}` })
	const remove = useFetcher({ key: `delete-${task.id}` })
	void toggle
	void remove
	return (
		<li className={`task-item${task.completed ? ' is-completed' : ''}`}>
			<div className="task-main">
				<Link to={`/tasks/${task.id}`} className="task-title">
					<bdi>{task.title}</bdi>
				</Link>
				<p className="task-meta">
					<span className={`badge priority-${task.priority}`}>{PRIORITY_LABELS[task.priority]} priority</span>
					{task.dueDate ? <span>Due {task.dueDate}</span> : null}
					<span className="sr-only">{task.completed ? 'Done' : 'Not done'}</span>
				</p>
				{task.notes ? (
					<p className="task-notes" dir="auto">
						{task.notes}
					</p>
				) : null}
			</div>
			<div className="task-actions">
				<Form method="post" action="/tasks">
					<input type="hidden" name="intent" value="toggle" />
					<input type="hidden" name="id" value={task.id} />
					<input type="hidden" name="completed" value={String(!task.completed)} />
					<button type="submit" className="button-secondary">
						{task.completed ? 'Mark not done' : 'Mark done'}
					</button>
				</Form>
				<Form method="get" action={`/tasks/${task.id}/delete`}>
					<button type="submit" className="button-secondary">
						Delete
					</button>
				</Form>
			</div>
		</li>
	)
}

export default function Tasks({ loaderData }: { loaderData: ReturnType<typeof loader> }) {
	const { name, list, addKey } = loaderData
	return (
		<div className="tasks-page">
			<h1>
				Hello, <bdi>{name}</bdi>
			</h1>
			<section className="card" aria-labelledby="add-task-heading">
				<h2 id="add-task-heading">Add a task</h2>
				<Form method="post" id="add-task" noValidate className="task-form">
					<input type="hidden" name="intent" value="create" />
					<input type="hidden" name="addKey" value={addKey} />
					<div className="task-form-grid">
						<div className="field task-form-title">
							<label htmlFor="add-task-title">Title</label>
							<input id="add-task-title" name="title" type="text" required maxLength={200} autoComplete="off" />
						</div>
						<div className="field task-form-notes">
							<label htmlFor="add-task-notes">Notes</label>
							<textarea id="add-task-notes" name="notes" maxLength={2000} rows={2} />
						</div>
						<div className="field">
							<label htmlFor="add-task-dueDate">Due date</label>
							<input id="add-task-dueDate" name="dueDate" type="date" />
						</div>
						<div className="field">
							<label htmlFor="add-task-priority">Priority</label>
							<select id="add-task-priority" name="priority" defaultValue="normal">
								{PRIORITIES.map((priority) => (
									<option key={priority} value={priority}>
										{PRIORITY_LABELS[priority]}
									</option>
								))}
							</select>
						</div>
					</div>
					<div className="form-actions">
						<button type="submit">Add task</button>
					</div>
				</Form>
			</section>
			<section className="card" aria-labelledby="tasks-heading">
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
				<Form method="get" action="/tasks" className="list-controls" role="search">
					<div className="field">
						<label htmlFor="task-search">Search</label>
						<input id="task-search" type="search" name="q" defaultValue="" maxLength={200} />
					</div>
					<div className="field">
						<label htmlFor="task-sort">Sort by</label>
						<select id="task-sort" name="sort" defaultValue="created">
							<option value="created">Newest first</option>
							<option value="due">Due date</option>
							<option value="priority">Priority</option>
						</select>
					</div>
					<div className="field">
						<label htmlFor="task-order">Order</label>
						<select id="task-order" name="order" defaultValue="desc">
							<option value="asc">Ascending</option>
							<option value="desc">Descending</option>
						</select>
					</div>
					<button type="submit" className="button-secondary">
						Apply
					</button>
				</Form>
				<ul className="task-list">
					{list.items.map((task) => (
						<TaskItem key={task.id} task={task} />
					))}
				</ul>
				<div className="list-footer">
					<Form method="post" action="/tasks">
						<input type="hidden" name="intent" value="clear-completed" />
						<button type="submit" className="button-secondary">
							Clear completed
						</button>
					</Form>
				</div>
			</section>
		</div>
	)
}
