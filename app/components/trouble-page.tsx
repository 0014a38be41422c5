import { Link, useLocation } from 'react-router'
import { TROUBLE_MESSAGE, TROUBLE_TITLE } from '#app/lib/http/trouble.ts'

/** A 503 of the app itself (app/lib/http/trouble.ts): what happened, and a way to try again. */
export function TroublePage({ message = TROUBLE_MESSAGE }: { message?: string }) {
	const location = useLocation()
	return (
		<section className="card narrow">
			<h1>{TROUBLE_TITLE}</h1>
			<p role="alert">{message}</p>
			<p>
				<Link to={`${location.pathname}${location.search}`} reloadDocument>
					Try again
				</Link>{' '}
				· <Link to="/">Go to the home page</Link>
			</p>
		</section>
	)
}
