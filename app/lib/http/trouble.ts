/**
 * The app's own 503: the database every signed-in page needs (the session
 * read, the signing keys a task API token is minted with) failed. The server
 * answers it (session.server.ts: sessionStoreUnavailable) with Retry-After;
 * the error boundaries (root.tsx, the task routes') show it as "Taskwell is
 * having trouble" with a way to try again (components/trouble-page.tsx).
 * Shared by the server and the browser: no server imports here.
 */
import { isRouteErrorResponse } from 'react-router'

export const TROUBLE_TITLE = 'Taskwell is having trouble'
export const TROUBLE_MESSAGE = 'Taskwell is temporarily unavailable. Please try again in a moment.'
/** Sent as Retry-After with every such 503. */
export const TROUBLE_RETRY_AFTER_SECONDS = 5

/** Whether a route error is this 503 (not, say, the task API's own outage page). */
export function isTroubleError(error: unknown): boolean {
	return isRouteErrorResponse(error) && error.status === 503 && error.data === TROUBLE_MESSAGE
}
