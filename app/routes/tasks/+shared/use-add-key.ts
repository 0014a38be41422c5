/**
 * The add form's one-time key on a hydrated page. The server renders a new
 * key on every render of /tasks, and the page renders again for more than
 * adds: the time-zone post after the first load, a toggle, a delete. A key
 * that changed between two clicks on "Add task" (the first still on its
 * way) would add the task twice. So the page keeps the key it has until an
 * add it sent is over, and then takes the server's: the loader's new key
 * after a success, or the key the action answers after a failure (the same
 * one, as the outcome may be unknown). Without JavaScript every page is the
 * server's, with the server's key.
 */
import { useState } from 'react'
import { useIsPending } from '#app/lib/forms/use-is-pending.ts'

export function useAddKey(serverKey: string): string {
	// An add of this page in flight, up to the page its success redirects to.
	const adding = useIsPending({ intent: 'create' })
	const [held, setHeld] = useState({ key: serverKey, adding })
	// (State adjusted while rendering, as React's "you might not need an effect" shows.)
	if (held.adding !== adding) {
		const next = { key: adding ? held.key : serverKey, adding }
		setHeld(next)
		return next.key
	}
	return held.key
}
