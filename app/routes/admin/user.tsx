/**
 * /admin/users/<id>: one account — profile, sign-in methods, sessions (each
 * with "Revoke", and "Sign out everywhere"), recent security activity,
 * workspaces — and what an admin can do to it: suspend or restore, act as
 * the user, set the role, delete the account. Every form is a plain POST
 * with an `intent` (no JavaScript needed) that redirects here with a notice,
 * or comes back with its input and the refusal beside it. Each is
 * throttled per admin, audited (+shared/user-actions.server.ts), and
 * refused with the ordinary 404 for anyone but an admin (the layout's gate).
 */
import { data, redirect } from 'react-router'
import type { Route } from './+types/user'
import { userContext } from '#app/context.server.ts'
import { routeHeaders } from '#app/lib/http/route-headers.ts'
import { takeAttempt } from '#app/lib/throttle.server.ts'
import { THROTTLE_RULES } from '#app/lib/throttle-rules.server.ts'
import { authCookieHeaders } from '#app/lib/auth/redirect-with-cookies.server.ts'
import { isTwoFactorEnabled } from '#app/routes/settings/+shared/two-factor.server.ts'
import type { z } from 'zod'
import {
	redirectWithNotice,
	runWorkspaceForm,
	type FormWork,
	type WorkspaceActionData,
} from '#app/routes/workspaces/+shared/forms.server.ts'
import { ADMIN_USER_NOT_FOUND_MESSAGE } from '#app/lib/task-lists.ts'
import { USER_PAGE_SCHEMAS, type UserPageIntent } from './+shared/schemas.ts'
import { findAccount, userDetails } from './+shared/users.server.ts'
import {
	deleteUser,
	restoreUser,
	revokeUserSession,
	setRole,
	signOutEverywhere,
	startActing,
	suspendUser,
} from './+shared/user-actions.server.ts'
import { adminMeta } from './+shared/format.tsx'
import { UserPage } from './+shared/user-page.tsx'

/** Fields of the user page's forms that are never sent back (the reply would put them into the HTML). */
const SECRET_FIELDS = ['password', 'code']

export const meta: Route.MetaFunction = ({ loaderData }) => adminMeta(loaderData?.user.name ?? 'User')

export const headers = routeHeaders()

function noSuchUser(): never {
	throw data(ADMIN_USER_NOT_FOUND_MESSAGE, { status: 404 })
}

export async function loader({ params, context }: Route.LoaderArgs) {
	const admin = context.get(userContext)
	const user = params.id.length <= 64 ? await userDetails(params.id) : null
	if (!user) noSuchUser()
	return { user, me: admin.user.id, adminHasTwoFactor: await isTwoFactorEnabled(admin.user.id), now: Date.now() }
}

export async function action({ request, params, context }: Route.ActionArgs) {
	const admin = context.get(userContext)
	const target = params.id.length <= 64 ? await findAccount(params.id) : null
	if (!target) noSuchUser()
	const formData = await request.formData()
	const intent = formData.get('intent')
	if (typeof intent !== 'string' || !Object.hasOwn(USER_PAGE_SCHEMAS, intent)) throw new Response('Unknown action', { status: 400 })
	const args = { request, context, admin, target }
	const here = `/admin/users/${target.id}`
	const name = target.name
	// Every admin POST counts against the admin's throttle (a 429 with the wait, on the form).
	// The admin's password and code (act as) never come back with the form.
	const run = <Schema extends z.ZodType>(schema: Schema, work: FormWork<z.output<Schema>>) =>
		runWorkspaceForm(
			intent,
			formData,
			schema,
			async (value) => {
				await takeAttempt(THROTTLE_RULES.adminActionsPerAdmin, admin.user.id)
				return work(value)
			},
			{ hideFields: SECRET_FIELDS },
		)
	switch (intent as UserPageIntent) {
		case 'suspend':
			return run(USER_PAGE_SCHEMAS.suspend, async (value) => {
				const outcome = await suspendUser(args, value)
				return outcome.ok ? redirectWithNotice(request, here, `${name} is suspended and signed out everywhere.`) : outcome
			})
		case 'restore':
			return run(USER_PAGE_SCHEMAS.restore, async () => {
				const outcome = await restoreUser(args)
				return outcome.ok ? redirectWithNotice(request, here, `${name} is restored and can sign in again.`) : outcome
			})
		case 'revoke-session':
			return run(USER_PAGE_SCHEMAS['revoke-session'], async (value) => {
				const outcome = await revokeUserSession(args, value.sessionId)
				return outcome.ok ? redirectWithNotice(request, here, 'That session has been signed out.') : outcome
			})
		case 'sign-out-everywhere':
			return run(USER_PAGE_SCHEMAS['sign-out-everywhere'], async () => {
				const outcome = await signOutEverywhere(args)
				return outcome.ok ? redirectWithNotice(request, here, `${name} is signed out everywhere.`) : outcome
			})
		case 'impersonate':
			return run(USER_PAGE_SCHEMAS.impersonate, async (value) => {
				const outcome = await startActing(args, value)
				return outcome.ok ? redirect('/tasks', { headers: authCookieHeaders(outcome.headers) }) : outcome
			})
		case 'set-role':
			return run(USER_PAGE_SCHEMAS['set-role'], async (value) => {
				const role = value.role
				const outcome = await setRole(args, role)
				if (!outcome.ok) return outcome
				// Without the role, /admin is a 404 for the admin who gave up their own.
				const to = target.id === admin.user.id && role === 'user' ? '/tasks' : here
				return redirectWithNotice(
					request,
					to,
					outcome.changed ? `${name} is now ${role === 'admin' ? 'an admin' : 'a user'}.` : `${name} already has that role.`,
				)
			})
		case 'delete-user':
			return run(USER_PAGE_SCHEMAS['delete-user'], async (value) => {
				const outcome = await deleteUser(args, value.confirmEmail)
				return outcome.ok ? redirectWithNotice(request, '/admin', `The account ${outcome.email} was deleted.`) : outcome
			})
	}
}

export default function User({ loaderData, actionData }: Route.ComponentProps) {
	return <UserPage {...loaderData} actionData={actionData as WorkspaceActionData | undefined} />
}
