/**
 * /w/<slug>/activity: the workspace's security events (invitations, roles,
 * members, the workspace itself), newest first. Owners and admins only:
 * anyone else gets the same 404 as for a page that does not exist.
 */
import { data } from 'react-router'
import type { Route } from './+types/activity'
import { workspaceContext } from '#app/context.server.ts'
import { listWorkspaceEvents } from '#app/lib/auth/security-events.server.ts'
import { EventTime, securityEventLabel } from '#app/routes/settings/+shared/security-activity.tsx'
import { memberPermissions } from '#common/workspace-roles.ts'

export const meta: Route.MetaFunction = ({ loaderData }) => [{ title: `Activity · ${loaderData?.name ?? 'Workspace'} · Taskwell` }]

export async function loader({ context }: Route.LoaderArgs) {
	const workspace = context.get(workspaceContext)!
	if (!memberPermissions.viewActivity(workspace.role)) throw data('Not found', { status: 404 })
	return { name: workspace.name, events: await listWorkspaceEvents(workspace.id), now: Date.now() }
}

export default function Activity({ loaderData }: Route.ComponentProps) {
	const { events, now } = loaderData
	return (
		<div className="settings workspace-activity">
			<h1>Activity</h1>
			<section aria-labelledby="events-heading" className="settings-section">
				<h2 id="events-heading">Recent activity</h2>
				{events.length === 0 ? (
					<p>No activity yet.</p>
				) : (
					<ol className="session-list security-activity">
						{events.map((event) => (
							<li key={event.id} className="session-item">
								<p>
									<strong>{securityEventLabel(event.type)}</strong>
									{event.detail ? <>: {event.detail}</> : null} · <EventTime at={event.createdAt} now={now} />
								</p>
								<p className="hint">
									By <bdi>{event.actorName ?? 'a deleted account'}</bdi>
								</p>
							</li>
						))}
					</ol>
				)}
			</section>
		</div>
	)
}
