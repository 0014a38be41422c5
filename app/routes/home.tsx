import { Link } from 'react-router'
import type { Route } from './+types/home'
import { requireAnonymous } from '../lib/session.server.ts'

export const meta: Route.MetaFunction = () => [
	{ title: 'Taskwell — tasks, with web auth done right' },
	{ name: 'description', content: 'A task manager that keeps your session safe.' },
]

export async function loader({ request, context }: Route.LoaderArgs) {
	await requireAnonymous(request, context)
	return null
}

export default function Home() {
	return (
		<section className="hero">
			<h1>Taskwell</h1>
			<p className="lead">
				A simple task manager: add what you need to do, mark it done, find it again. It works in
				any browser, with or without JavaScript.
			</p>
			<p>
				Your browser only ever holds one HttpOnly session cookie. Everything else stays on the
				server.
			</p>
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
