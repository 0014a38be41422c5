/**
 * What a task page shows when the task API cannot be reached: the task
 * routes' one error boundary (error-boundary.tsx) renders the 503 thrown
 * here ("Try again").
 */
import { data } from 'react-router'
import { TasksApiUnavailableError } from '#app/lib/tasks-api/errors.server.ts'
import type { TasksApi } from '#app/lib/tasks-api/client.server.ts'
import { UNAVAILABLE_MESSAGE } from './view.ts'

/**
 * For loaders: `load()`, or, when the task API is unavailable, a thrown 503
 * that the task routes' one error boundary renders ("Try again"). When an
 * action of this same request already found the API unavailable (a form
 * posted without JavaScript), null instead: the page renders with the
 * form's message and the user's input.
 */
export async function loadOrUnavailable<T>(api: TasksApi, load: () => Promise<T>): Promise<T | null> {
	const actionMetOutage = api.unavailableEarlier
	try {
		return await load()
	} catch (error) {
		if (!(error instanceof TasksApiUnavailableError)) throw error
		if (actionMetOutage) return null
		throw data(UNAVAILABLE_MESSAGE, { status: 503, statusText: 'Service Unavailable' })
	}
}
