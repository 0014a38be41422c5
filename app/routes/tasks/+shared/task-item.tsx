/**
 * One task in the list: its title links to its page, a toggle form ("Mark
 * done" / "Mark not done") and a delete form ("Delete").
 *
 * Without JavaScript both are plain forms: the toggle posts to /tasks and
 * redirects back; "Delete" opens the confirmation page (a GET that only shows
 * a form). With JavaScript they go through fetchers: the toggle flips at once
 * (optimistic) and rolls back with a message if the request fails; "Delete"
 * asks for confirmation in place, then the task disappears at once.
 */
import { useEffect, useRef, useState } from 'react'
import { Form, Link, useFetcher } from 'react-router'
import type { Task } from '#common/tasks-contract.ts'
import { PRIORITY_LABELS } from './view.ts'

type ActionResult = { ok: boolean; notice?: string; error?: string } | undefined

export function TaskItem({ task, view, onDeleted }: { task: Task; view: URLSearchParams; onDeleted?: (id: string) => void }) {
	const toggle = useFetcher<ActionResult>({ key: `toggle-${task.id}` })
	const remove = useFetcher<ActionResult>({ key: `delete-${task.id}` })
	const [confirming, setConfirming] = useState(false)
	const confirmRef = useRef<HTMLButtonElement>(null)
	const deleteRef = useRef<HTMLButtonElement>(null)

	// Optimistic: while the toggle is in flight, show the state it asks for.
	const pendingCompleted = toggle.formData?.get('completed')
	const completed = pendingCompleted != null ? pendingCompleted === 'true' : task.completed
	const toggleError = toggle.state === 'idle' && toggle.data && !toggle.data.ok ? toggle.data.error : undefined
	const deleting = remove.state !== 'idle'
	const deleteError = remove.state === 'idle' && remove.data && !remove.data.ok ? remove.data.error : undefined

	useEffect(() => {
		if (confirming) confirmRef.current?.focus()
	}, [confirming])
	useEffect(() => {
		if (remove.state === 'idle' && remove.data?.ok) onDeleted?.(task.id)
		if (deleteError) deleteRef.current?.focus()
		// eslint-disable-next-line react-hooks/exhaustive-deps
	}, [remove.state, remove.data])

	const hidden = [...view.entries()].map(([key, value]) => <input key={key} type="hidden" name={key} value={value} />)

	if (deleting || (remove.data?.ok && remove.state === 'idle')) return null

	function submitWithJs(event: React.FormEvent<HTMLFormElement>, fetcher: typeof toggle) {
		event.preventDefault()
		const formData = new FormData(event.currentTarget)
		formData.set('js', '1')
		void fetcher.submit(formData, { method: 'post', action: '/tasks' })
	}

	return (
		<li className={`task-item${completed ? ' is-completed' : ''}`}>
			<div className="task-main">
				{/* Isolated: a right-to-left title cannot reorder what follows it. */}
				<Link to={`/tasks/${task.id}${view.size ? `?${view}` : ''}`} className="task-title">
					<bdi>{task.title}</bdi>
				</Link>
				<p className="task-meta">
					<span className={`badge priority-${task.priority}`}>{PRIORITY_LABELS[task.priority]} priority</span>
					{task.dueDate ? <span>Due {task.dueDate}</span> : null}
					<span className="sr-only">{completed ? 'Done' : 'Not done'}</span>
				</p>
				{task.notes ? (
					<p className="task-notes" dir="auto">
						{task.notes}
					</p>
				) : null}
				{toggleError ? (
					<p role="alert" className="flash flash-error">
						{toggleError}
					</p>
				) : null}
				{deleteError ? (
					<p role="alert" className="flash flash-error">
						{deleteError}
					</p>
				) : null}
			</div>
			<div className="task-actions">
				<Form method="post" action="/tasks" onSubmit={(event) => submitWithJs(event, toggle)}>
					<input type="hidden" name="intent" value="toggle" />
					<input type="hidden" name="id" value={task.id} />
					<input type="hidden" name="completed" value={String(!completed)} />
					{hidden}
					<button type="submit" className="button-secondary" aria-describedby={undefined}>
						{completed ? 'Mark not done' : 'Mark done'}
					</button>
				</Form>
				{confirming ? (
					<Form method="post" action="/tasks" className="confirm-inline" onSubmit={(event) => submitWithJs(event, remove)}>
						<span className="confirm-question">Delete this task?</span>
						<input type="hidden" name="intent" value="delete" />
						<input type="hidden" name="id" value={task.id} />
						{hidden}
						<button ref={confirmRef} type="submit" className="button-danger">
							Delete
						</button>
						<button
							type="button"
							className="button-secondary"
							onClick={() => {
								setConfirming(false)
								requestAnimationFrame(() => deleteRef.current?.focus())
							}}
						>
							Cancel
						</button>
					</Form>
				) : (
					<Form
						method="get"
						action={`/tasks/${task.id}/delete`}
						onSubmit={(event) => {
							event.preventDefault()
							setConfirming(true)
						}}
					>
						{hidden}
						<button ref={deleteRef} type="submit" className="button-secondary">
							Delete
						</button>
					</Form>
				)}
			</div>
		</li>
	)
}
