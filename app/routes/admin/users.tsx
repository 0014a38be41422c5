/**
 * /admin: the Users list. Search by email or name (a GET form: the search is
 * in the URL), newest accounts first, 25 a page with a cursor ("Next page").
 */
import { Form, Link } from 'react-router'
import type { Route } from './+types/users'
import { routeHeaders } from '#app/lib/http/route-headers.ts'
import { searchUsers } from './+shared/users.server.ts'
import { adminMeta, Time } from './+shared/format.tsx'
import { ROLE_NAMES, SEARCH_MAX_LENGTH } from './+shared/schemas.ts'

export const meta: Route.MetaFunction = () => adminMeta('Users')

export const headers = routeHeaders()

export async function loader({ request }: Route.LoaderArgs) {
	const params = new URL(request.url).searchParams
	const q = (params.get('q') ?? '').slice(0, SEARCH_MAX_LENGTH)
	const cursor = params.get('cursor')
	const { users, next } = await searchUsers(q, cursor)
	return { q, users, next, paged: Boolean(cursor) }
}

export default function Users({ loaderData }: Route.ComponentProps) {
	const { q, users, next, paged } = loaderData
	const nextHref = next ? `/admin?${new URLSearchParams({ ...(q ? { q } : {}), cursor: next })}` : null
	return (
		<div className="admin-users">
			<h1>Users</h1>
			<Form method="get" role="search" className="search-form">
				<div className="field">
					<label htmlFor="admin-user-search">Search by email or name</label>
					<input id="admin-user-search" type="search" name="q" defaultValue={q} maxLength={SEARCH_MAX_LENGTH} />
				</div>
				<button type="submit" className="button-secondary">
					Search
				</button>
			</Form>
			{users.length === 0 ? (
				<p>{q ? `No account matches “${q}”.` : 'No accounts yet.'}</p>
			) : (
				<div className="table-scroll" tabIndex={0} role="region" aria-label="Table (scrolls sideways)">
					<table className="admin-table">
						<caption className="sr-only">Accounts{q ? ` matching “${q}”` : ''}, newest first</caption>
						<thead>
							<tr>
								<th scope="col">Name</th>
								<th scope="col">Email</th>
								<th scope="col">Verified</th>
								<th scope="col">Created</th>
								<th scope="col">Last sign-in</th>
								<th scope="col">Two-factor</th>
								<th scope="col">Status</th>
								<th scope="col">Role</th>
							</tr>
						</thead>
						<tbody>
							{users.map((user) => (
								<tr key={user.id}>
									<th scope="row">
										<Link to={`/admin/users/${user.id}`}>
											<bdi>{user.name}</bdi>
										</Link>
									</th>
									<td>
										<bdi>{user.email}</bdi>
									</td>
									<td>{user.emailVerified ? 'Yes' : 'No'}</td>
									<td>
										<Time at={user.createdAt} />
									</td>
									<td>
										<Time at={user.lastSignInAt} />
									</td>
									<td>{user.twoFactorEnabled ? 'On' : 'Off'}</td>
									<td>{user.suspended ? 'Suspended' : 'Active'}</td>
									<td>{ROLE_NAMES[user.role === 'admin' ? 'admin' : 'user']}</td>
								</tr>
							))}
						</tbody>
					</table>
				</div>
			)}
			<nav aria-label="Pages" className="pager">
				{paged ? <Link to={q ? `/admin?${new URLSearchParams({ q })}` : '/admin'}>First page</Link> : null}
				{nextHref ? <Link to={nextHref}>Next page</Link> : null}
			</nav>
		</div>
	)
}
