/**
 * The banner on every page while an admin acts as a user (an impersonation
 * session): whose account this is, and "Stop acting" (a POST, no
 * JavaScript needed), which puts the admin's own session back and goes to /admin.
 */
import { Form } from 'react-router'

export function ActingBanner({ name, email }: { name: string; email: string }) {
	return (
		<div className="acting-banner" role="region" aria-label="Acting as another user">
			<p>
				You are acting as <bdi>{name}</bdi> (<bdi>{email}</bdi>)
			</p>
			<Form method="post" action="/stop-acting">
				<button type="submit" className="button-secondary">
					Stop acting
				</button>
			</Form>
		</div>
	)
}
