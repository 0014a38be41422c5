/**
 * The one error boundary of the task routes (index, $id, $id.delete): their
 * loaders throw a 503 when the task API is unavailable
 * (loadOrUnavailable), rendered here with a way to try again; the signed-in
 * header stays. The app's own 503 (its database failed while minting the
 * task API token: lib/http/trouble.ts) is the page the root shows for it. A 404
 * (someone else's or an unknown task) says so.
 */
import { isRouteErrorResponse, Link, useLocation, useRouteError, useRouteLoaderData } from 'react-router'
import { TroublePage } from '#app/components/trouble-page.tsx'
import { isTroubleError } from '#app/lib/http/trouble.ts'
import type { loader as rootLoader } from '#app/root.tsx'
import { UNAVAILABLE_MESSAGE } from './view.ts'
import { backToListLabel, listBaseOf, notFoundMessage } from '#app/lib/task-lists.ts'

export function TasksErrorBoundary() {
	const error = useRouteError()
	const location = useLocation()
	const base = listBaseOf(location.pathname)
	const name = useRouteLoaderData<typeof rootLoader>('root')?.user?.name
	if (isTroubleError(error)) return <TroublePage />
	if (isRouteErrorResponse(error) && error.status === 503) {
		return (
			<div className="tasks-page">
				<h1>
					{name ? (
						<>
							Hello, <bdi>{name}</bdi>
						</>
					) : (
						'Your tasks'
					)}
				</h1>
				<section className="card">
					<div role="alert" className="flash flash-error">
						<p>{UNAVAILABLE_MESSAGE}</p>
						<p>
							<Link to={`${location.pathname}${location.search}`} reloadDocument>
								Try again
							</Link>
							{location.pathname === base ? null : (
								<>
									{' '}
									· <Link to={base}>{backToListLabel(base)}</Link>
								</>
							)}
						</p>
					</div>
				</section>
			</div>
		)
	}
	// Anything else reads as the root's error page does.
	const status = isRouteErrorResponse(error) ? error.status : 500
	const title =
		status === 404 ? 'Page not found' : isRouteErrorResponse(error) ? `${status} ${error.statusText || 'Error'}` : 'Something went wrong'
	const message =
		status === 404
			? notFoundMessage(isRouteErrorResponse(error) ? error.data : null)
			: isRouteErrorResponse(error) && typeof error.data === 'string' && error.data
				? error.data
				: 'An unexpected error occurred. Please try again.'
	return (
		<section className="card narrow">
			<h1>{title}</h1>
			<p>{message}</p>
			<p>
				<Link to={base}>{backToListLabel(base)}</Link> · <Link to="/">Go to the home page</Link>
			</p>
		</section>
	)
}
