/**
 * Which task list a page belongs to: the personal list at /tasks, or a
 * workspace's at /w/<slug>/tasks. The task route modules serve both (see
 * routes.ts); every link and form of theirs starts from this base. Plain
 * code: the browser uses it too.
 */
import { useLocation } from 'react-router'

export const PERSONAL_LIST = '/tasks'

const WORKSPACE_LIST = /^\/w\/([^/]+)\/tasks(?:\/|$)/

/** The list a URL's path belongs to ("/w/acme/tasks/<id>" → "/w/acme/tasks"). */
export function listBaseOf(pathname: string): string {
	const match = WORKSPACE_LIST.exec(pathname)
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
