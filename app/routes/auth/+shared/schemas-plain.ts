/**
 * The part of the sign-in schemas that /login and /signup need when they
 * load, as plain code (no zod): each form's HTML constraints and the
 * messages the pages render. Those pages then load no schema library up
 * front: their zod schemas (schemas.ts) load when a form is first focused,
 * for validation in the browser (see useZodForm, app/lib/forms/use-zod-form.ts).
 */
import { CURRENT_PASSWORD_MAX_LENGTH, FIELD_CONSTRAINTS as field } from '#app/lib/auth/account-fields-plain.ts'

export const MAGIC_LINK_SENT_MESSAGE =
	'If that address belongs to a Taskwell account, we have sent it a sign-in link. It works once, within 10 minutes.'

/**
 * Each form's HTML constraints, as `getFormConstraint(schema)` reads them
 * from its schema on the server (a unit test keeps the two equal:
 * schemas-plain.test.ts).
 */
export const FORM_CONSTRAINTS = {
	/** LoginSchema (its "Email me a sign-in link" button posts the same form). */
	login: {
		email: field.email,
		password: { required: true, maxLength: CURRENT_PASSWORD_MAX_LENGTH },
		rememberMe: field.checkbox,
		redirectTo: field.redirectTo,
	},
	signup: {
		name: field.name,
		email: field.email,
		password: field.newPassword,
		confirmPassword: field.confirmPassword,
		redirectTo: field.redirectTo,
	},
}
