import { Form } from 'react-router'

/** POST /logout: signing out changes state, so it is never a link. */
export function SignOutForm() {
	return (
		<Form method="post" action="/logout" className="inline-form">
			<button type="submit" className="button-link">
				Sign out
			</button>
		</Form>
	)
}
