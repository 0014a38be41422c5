/** The URL of a workspace page (no server code: the layout's component links with it). */
export function workspaceHref(slug: string, page: 'tasks' | 'members' | 'activity' = 'tasks'): string {
	return `/w/${encodeURIComponent(slug)}/${page}`
}
