/**
 * /admin/audit: every admin action, newest first, 50 a page ("Next page"):
 * who, what, on whom, the reason given, when, and from which IP address.
 * Append-only (a database trigger), kept a year (app/lib/admin/audit.server.ts).
 */
import { Link } from 'react-router'
import type { Route } from './+types/audit'
import { listAdminAudit } from '#app/lib/admin/audit.server.ts'
import { routeHeaders } from '#app/lib/http/route-headers.ts'
import { adminMeta, Time } from './+shared/format.tsx'

export const meta: Route.MetaFunction = () => adminMeta('Audit log')

export const headers = routeHeaders()

export async function loader({ request }: Route.LoaderArgs) {
	const cursor = new URL(request.url).searchParams.get('cursor')
	const { rows, next } = await listAdminAudit(cursor)
	return { rows, next, paged: Boolean(cursor) }
}

export default function Audit({ loaderData }: Route.ComponentProps) {
	const { rows, next, paged } = loaderData
	return (
		<div className="admin-audit">
			<h1>Audit log</h1>
			<p>Every admin action, kept for a year. Nothing here can be changed or removed.</p>
			{rows.length === 0 ? (
				<p>No admin actions yet.</p>
			) : (
				<div className="table-scroll" tabIndex={0} role="region" aria-label="Table (scrolls sideways)">
					<table className="admin-table">
						<caption className="sr-only">Admin actions, newest first</caption>
						<thead>
							<tr>
								<th scope="col">Time</th>
								<th scope="col">Admin</th>
								<th scope="col">Action</th>
								<th scope="col">Target</th>
								<th scope="col">Reason</th>
								<th scope="col">IP address</th>
							</tr>
						</thead>
						<tbody>
							{rows.map((row) => (
								<tr key={row.id}>
									<td>
										<Time at={row.createdAt} />
									</td>
									<td>
										<bdi>{row.actor}</bdi>
									</td>
									<td>{row.actionLabel}</td>
									<td>{row.targetEmail ? <bdi>{row.targetEmail}</bdi> : '—'}</td>
									<td>{row.reason ?? '—'}</td>
									<td>{row.ipAddress ?? '—'}</td>
								</tr>
							))}
						</tbody>
					</table>
				</div>
			)}
			<nav aria-label="Pages" className="pager">
				{paged ? <Link to="/admin/audit">First page</Link> : null}
				{next ? <Link to={`/admin/audit?${new URLSearchParams({ cursor: next })}`}>Next page</Link> : null}
			</nav>
		</div>
	)
}
