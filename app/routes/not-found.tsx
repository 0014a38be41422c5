/**
 * Every URL no other route answers (routes.ts: `*`): a 404 page with the
 * site's header, signed in or not (the root loader still runs), and a title
 * (the root's meta, from the error). Not an error worth a log line.
 */
import { data } from 'react-router'

function notFound(): never {
	throw data('Not found', { status: 404 })
}

export function loader() {
	return notFound()
}

export function action() {
	return notFound()
}

/** Never rendered: the loader always throws, and the root's ErrorBoundary shows the 404. */
export default function NotFound() {
	return null
}
