import type { Route } from './+types/tasks'
import { requireUser } from '../lib/session.server.ts'

export const meta: Route.MetaFunction = () => [{ title: 'Your tasks · Taskwell' }]

export async function loader({ request, context }: Route.LoaderArgs) {
	const user = await requireUser(request, context)
	return { name: user.name }
}

export default function Tasks({ loaderData }: Route.ComponentProps) {
	return (
		<section className="card">
			<h1>Hello, {loaderData.name}</h1>
			<p>Your tasks will appear here.</p>
		</section>
	)
}
