import { Link, useSearchParams } from 'react-router'
import type { Route } from './+types/home'
import { requireAnonymous } from '#app/lib/session.server.ts'

export const meta: Route.MetaFunction = () => [
	{ title: 'Taskwell — tasks, with web auth done right' },
	{ name: 'description', content: 'A task manager that keeps your session safe.' },
]

export async function loader({ request, context }: Route.LoaderArgs) {
	await requireAnonymous(request, context)
	return null
}

/** Notices shown after a redirect here (post/redirect/get), looked up as own properties. */
const NOTICES: Record<string, string> = {
	deleted: 'Your account was deleted.',
}

function noticeOf(searchParams: URLSearchParams): string | undefined {
	return Object.keys(NOTICES).find((code) => searchParams.get(code) === '1' && Object.hasOwn(NOTICES, code))
}

export default function Home() {
	const [searchParams] = useSearchParams()
	const notice = noticeOf(searchParams)
	return (
		<section className="hero">
			{notice ? (
				<p role="status" className="flash flash-success">
					{NOTICES[notice]}
				</p>
			) : null}
			<h1>Taskwell</h1>
			<p className="lead">
				A simple task manager: add what you need to do, mark it done, find it again. It works in any browser, with or without JavaScript.
			</p>
			<p>Your browser only ever holds one HttpOnly session cookie. Everything else stays on the server.</p>
			<p className="actions">
				<Link to="/signup" className="button">
					Sign up
				</Link>
				<Link to="/login" className="button button-secondary">
					Sign in
				</Link>
			</p>
		</section>
	)
}
