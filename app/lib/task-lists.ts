/**
 * Which task list a page belongs to: the personal list at /tasks, or a
 * workspace's at /w/<slug>/tasks. The task route modules serve both (see
 * routes.ts); every link and form of theirs starts from this base. Plain
 * code: the browser uses it too.
 */
import { useLocation } from 'react-router'
import { pagePathOf } from '#app/lib/http/redirect.ts'

export const PERSONAL_LIST = '/tasks'

/** A workspace's list or one of its task pages. */
const WORKSPACE_LIST = /^\/w\/([^/]+)\/tasks(?:\/|$)/

/** The list a URL's path belongs to ("/w/acme/tasks/<id>" → "/w/acme/tasks"), also of a JavaScript navigation's data request (…/tasks.data). */
export function listBaseOf(pathname: string): string {
	const match = WORKSPACE_LIST.exec(pagePathOf(pathname))
	return match ? `/w/${match[1]}/tasks` : PERSONAL_LIST
}

/** The list of the page being shown. */
export function useListBase(): string {
	return listBaseOf(useLocation().pathname)
}

/** The words of a link back to the list. */
export function backToListLabel(base: string): string {
	return base === PERSONAL_LIST ? 'Back to your tasks' : 'Back to the workspace’s tasks'
}

/**
 * The 404 of every /w/<slug> URL for someone who does not belong to the
 * workspace (never a member, removed, left) and for a slug that does not
 * exist: the same words, so nobody learns which. The error pages show it,
 * also to a removed member whose page was still open.
 */
export const WORKSPACE_NOT_FOUND_MESSAGE = "This workspace doesn't exist, or you're not a member of it."

/** The words of a 404 page: the workspace's own, or the usual ones. */
/** /admin/users/<id> for an id no account has (only an admin gets this far: everyone else gets the ordinary 404). */
export const ADMIN_USER_NOT_FOUND_MESSAGE = 'There is no account with that id: it may have been deleted.'

/** A 404's message: the ones pages name on purpose, else the ordinary one. */
export function notFoundMessage(data: unknown): string {
	return data === WORKSPACE_NOT_FOUND_MESSAGE || data === ADMIN_USER_NOT_FOUND_MESSAGE
		? data
		: 'The page you are looking for does not exist.'
}
