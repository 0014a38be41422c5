/**
 * The one persistent aria-live region of the layout: the one-time notice of
 * the action just taken (app/lib/flash.server.ts), and after a delete an
 * "Undo" button for 30 seconds. Without JavaScript the button is a plain
 * form (the server refuses it once the window is over); with JavaScript it
 * goes through a fetcher and disappears when the window closes. A notice is
 * shown on the page it arrived with, not after the next navigation.
 *
 * The root loader hands a notice over once (it clears the cookie), so a
 * revalidation on the same page (a fetcher's POST, such as the tasks page
 * remembering a new account's time zone) brings no notice: the region keeps
 * the one it has until the page changes or a newer notice arrives.
 */
import { listBaseOf } from '#app/lib/task-lists.ts'
import { useEffect, useState } from 'react'
import { Form, useFetcher, useLocation } from 'react-router'

export type FlashView = {
	id: string
	message: string
	kind: 'success' | 'error'
	undo?: { ids: string[]; until: number }
}

export function FlashRegion({ flash }: { flash: FlashView | null }) {
	const location = useLocation()
	const undo = useFetcher({ key: 'undo' })
	// The current notice and where it arrived: it is not carried to other pages.
	// (A newer notice is taken in during render: React renders again at once, before showing anything.)
	const [shown, setShown] = useState(flash ? { flash, key: location.key } : null)
	if (flash && shown?.flash.id !== flash.id) setShown({ flash, key: location.key })
	const visible = shown && shown.key === location.key ? shown.flash : null
	const [expired, setExpired] = useState<string | null>(null)
	// A notice kept through a revalidation (above) never offers its Undo twice.
	const [undoSent, setUndoSent] = useState<string | null>(null)
	useEffect(() => {
		if (!visible?.undo) return
		const timer = setTimeout(() => setExpired(visible.id), Math.max(0, visible.undo.until - Date.now()))
		return () => clearTimeout(timer)
	}, [visible])
	// Undo goes to the list the page belongs to (the personal one or a workspace's).
	const base = listBaseOf(location.pathname)
	const undoAction = location.pathname === base ? `${base}${location.search}` : base
	const offerUndo = visible?.undo && expired !== visible.id && undoSent !== visible.id && undo.state === 'idle'
	return (
		<div className="flash-region" aria-live="polite">
			{visible ? (
				<div className={`flash flash-${visible.kind} flash-notice`}>
					<p role={visible.kind === 'error' ? 'alert' : 'status'}>{visible.message}</p>
					{offerUndo && visible.undo ? (
						<Form
							method="post"
							action={undoAction}
							onSubmit={(event) => {
								event.preventDefault()
								setUndoSent(visible.id)
								const formData = new FormData(event.currentTarget)
								formData.set('js', '1')
								void undo.submit(formData, { method: 'post', action: undoAction })
							}}
						>
							<input type="hidden" name="intent" value="undo" />
							{visible.undo.ids.map((id) => (
								<input key={id} type="hidden" name="id" value={id} />
							))}
							<button type="submit" className="button-secondary flash-undo">
								Undo
							</button>
						</Form>
					) : null}
				</div>
			) : null}
		</div>
	)
}
