/**
 * One task in the list: a done toggle that looks like a checkbox but is a
 * button in a form ("Mark done: <title>" / "Mark not done: <title>"), the
 * title linking to its page, its due date and priority (no badge for
 * "Normal"), and "Delete" ("Delete: <title>").
 *
 * Without JavaScript both are plain forms posted to the current URL: the
 * toggle redirects back; "Delete" opens the confirmation page (a GET that
 * only shows a form). With JavaScript they go through fetchers: the toggle
 * flips at once (optimistic) and rolls back with a message if the request
 * fails; "Delete" asks for confirmation in place (Escape cancels), then the
 * task disappears at once and focus moves to the next task (or the list
 * heading).
 */
import { useEffect, useRef, useState } from 'react'
import { Form, Link, useFetcher, useLocation } from 'react-router'
import type { Task } from '#common/tasks-contract.ts'
import type { Due } from './due.ts'
import { PRIORITY_LABELS, taskAnchor } from './view.ts'
import { Notice } from '#app/components/notice.tsx'
import { PERSONAL_LIST } from '#app/lib/task-lists.ts'

/** What a row shows, and no more: the page's data is serialized into the HTML (timestamps are left out). */
export type ListedTask = Pick<Task, 'id' | 'title' | 'notes' | 'completed' | 'priority'> & {
	due: Due | null
	/** In a workspace: who added it and who it is assigned to (user ids). */
	createdBy?: string
	assigneeId?: string | null
}

type ActionResult = { ok: boolean; error?: string; completed?: boolean } | undefined

type Props = {
	task: ListedTask
	/** status, q and sort: kept by the links to the task's pages. */
	view: URLSearchParams
	/** The user confirmed a delete: the item is gone from the list (focus moves on). */
	onDeleting?: (id: string) => void
	/** The list's URL (/tasks or /w/<slug>/tasks: app/lib/task-lists.ts). */
	base?: string
	/** What the caller's role may do with this task (a viewer: neither; a member: delete only their own). */
	canToggle?: boolean
	canDelete?: boolean
	/** In a workspace: "Added by … · Assigned to …". */
	byline?: string
}

export function TaskItem({ task, view, onDeleting, base = PERSONAL_LIST, canToggle = true, canDelete = true, byline }: Props) {
	const toggle = useFetcher<ActionResult>({ key: `toggle-${task.id}` })
	const remove = useFetcher<ActionResult>({ key: `delete-${task.id}` })
	const [confirming, setConfirming] = useState(false)
	const confirmRef = useRef<HTMLButtonElement>(null)
	const deleteRef = useRef<HTMLButtonElement>(null)
	// The row an edit came back to (#task-<id>): marked briefly. Without
	// JavaScript the browser's own :target does it (see styles.css).
	const justEdited = useLocation().hash === `#${taskAnchor(task.id)}`

	// Optimistic: while the toggle is in flight, show the state it asks for;
	// after it, the state it answered (a row appended by "Load more" is not revalidated).
	const pendingCompleted = toggle.formData?.get('completed')
	const answered = toggle.state === 'idle' && toggle.data?.ok ? toggle.data.completed : undefined
	const completed = pendingCompleted != null ? pendingCompleted === 'true' : (answered ?? task.completed)
	const toggleError = toggle.state === 'idle' && toggle.data && !toggle.data.ok ? toggle.data.error : undefined
	const deleting = remove.state !== 'idle'
	const deleteError = remove.state === 'idle' && remove.data && !remove.data.ok ? remove.data.error : undefined

	useEffect(() => {
		if (confirming) confirmRef.current?.focus()
	}, [confirming])
	useEffect(() => {
		if (deleteError) deleteRef.current?.focus()
	}, [deleteError])

	const query = view.size ? `?${view}` : ''
	if (deleting || (remove.data?.ok && remove.state === 'idle')) return null

	function submitWithJs(event: React.FormEvent<HTMLFormElement>, fetcher: typeof toggle) {
		event.preventDefault()
		const formData = new FormData(event.currentTarget)
		formData.set('js', '1')
		void fetcher.submit(formData, { method: 'post' })
	}
	const cancelDelete = () => {
		setConfirming(false)
		requestAnimationFrame(() => deleteRef.current?.focus())
	}

	return (
		<li className={`task-item${completed ? ' is-completed' : ''}${justEdited ? ' is-just-edited' : ''}`} data-task-id={task.id}>
			{canToggle ? (
				<Form method="post" className="task-toggle" onSubmit={(event) => submitWithJs(event, toggle)}>
					<input type="hidden" name="intent" value="toggle" />
					<input type="hidden" name="id" value={task.id} />
					<input type="hidden" name="completed" value={String(!completed)} />
					<button type="submit" className="task-check">
						<span className="task-check-box" aria-hidden="true" />
						<span className="sr-only">
							{completed ? 'Mark not done' : 'Mark done'}: <bdi>{task.title}</bdi>
						</span>
					</button>
				</Form>
			) : (
				<span className="task-toggle task-check-readonly" aria-hidden="true">
					<span className="task-check-box" />
				</span>
			)}
			<div className="task-main">
				{/* Isolated: a right-to-left title cannot reorder what follows it. */}
				<Link to={`${base}/${task.id}${query}`} className="task-title" id={taskAnchor(task.id)}>
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
				{byline ? <p className="task-byline">{byline}</p> : null}
				<span className="sr-only">{completed ? 'Done' : 'Not done'}</span>
				<Notice tone="error">{toggleError}</Notice>
				<Notice tone="error">{deleteError}</Notice>
			</div>
			<div className="task-actions">
				{!canDelete ? null : confirming ? (
					<Form
						method="post"
						className="confirm-inline"
						onSubmit={(event) => {
							onDeleting?.(task.id)
							submitWithJs(event, remove)
						}}
						onKeyDown={(event) => {
							if (event.key === 'Escape') {
								event.preventDefault()
								cancelDelete()
							}
						}}
					>
						<span className="confirm-question">Delete this task?</span>
						<input type="hidden" name="intent" value="delete" />
						<input type="hidden" name="id" value={task.id} />
						<button ref={confirmRef} type="submit" className="button-danger">
							Delete
						</button>
						<button type="button" className="button-secondary" onClick={cancelDelete}>
							Cancel
						</button>
					</Form>
				) : (
					<Form
						method="get"
						action={`${base}/${task.id}/delete`}
						onSubmit={(event) => {
							event.preventDefault()
							setConfirming(true)
						}}
					>
						{[...view.entries()].map(([key, value]) => (
							<input key={key} type="hidden" name={key} value={value} />
						))}
						<button ref={deleteRef} type="submit" className="button-secondary task-delete" aria-label={`Delete: ${task.title}`}>
							Delete
						</button>
					</Form>
				)}
			</div>
		</li>
	)
}
