/**
 * The second step of a sign-in with two-factor authentication on: a code
 * from the authenticator app (or, via "Use a backup code", a backup code).
 * Reached only with Better Auth's signed two_factor cookie, which the first
 * step set instead of a session; the session exists only after this step.
 */
import type { SubmissionResult } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import { data, Form, Link, redirect, useSearchParams } from 'react-router'
import type { Route } from './+types/login.two-factor'
import { CheckboxField, Field, FormErrors, SubmitButton } from '#app/components/forms.tsx'
import { redirectWithAuthCookies } from '#app/lib/auth/redirect-with-cookies.server.ts'
import { getFormConstraint } from '#app/lib/forms/constraint.ts'
import { useZodForm } from '#app/lib/forms/use-zod-form.ts'
import { safeRedirect } from '#app/lib/http/redirect.ts'
import { routeHeaders } from '#app/lib/http/route-headers.ts'
import { INVALID_BACKUP_CODE_MESSAGE, INVALID_CODE_MESSAGE, SignInBackupCodeSchema, SignInTotpSchema } from './+shared/schemas.ts'
import { requireAnonymous } from '#app/lib/auth/session.server.ts'
import { orThrottledReply } from '#app/lib/throttle.server.ts'
import { pendingTwoFactorUser, verifySignInCode } from './+shared/two-factor-step.server.ts'

export const meta: Route.MetaFunction = () => [{ title: 'Two-factor authentication · Taskwell' }]

export const headers = routeHeaders()

const HIDDEN_FIELDS = ['code', 'backupCode']

function loginAgain(request: Request) {
	const redirectTo = new URL(request.url).searchParams.get('redirectTo')
	return redirect(`/login?${new URLSearchParams({ expired: '1', ...(redirectTo ? { redirectTo } : {}) })}`)
}

export async function loader({ request, context }: Route.LoaderArgs) {
	await requireAnonymous(request, context)
	if (!(await pendingTwoFactorUser(request, context))) throw loginAgain(request)
	return null
}

// No requireAnonymous() here: the second step signs in the account whose
// password was proven, replacing any session the browser holds (sessionMiddleware).
export async function action({ request, context }: Route.ActionArgs) {
	const formData = await request.formData()
	const backup = formData.get('method') === 'backup'
	const submission = backup
		? parseWithZod(formData, { schema: SignInBackupCodeSchema })
		: parseWithZod(formData, { schema: SignInTotpSchema })
	if (submission.status !== 'success') {
		return data({ result: submission.reply({ hideFields: HIDDEN_FIELDS }) }, { status: 400 })
	}
	const value = submission.value
	const code = 'backupCode' in value ? value.backupCode : value.code
	return orThrottledReply(submission, { hideFields: HIDDEN_FIELDS }, async () => {
		const outcome = await verifySignInCode(request, context, {
			kind: backup ? 'backup' : 'totp',
			code,
			trustDevice: value.trustDevice ?? false,
		})
		if (!outcome.ok && outcome.reason === 'expired') throw loginAgain(request)
		if (!outcome.ok) {
			const field = backup ? 'backupCode' : 'code'
			return data(
				{
					result: submission.reply({
						fieldErrors: { [field]: [backup ? INVALID_BACKUP_CODE_MESSAGE : INVALID_CODE_MESSAGE] },
						hideFields: HIDDEN_FIELDS,
					}),
				},
				{ status: 401 },
			)
		}
		return redirectWithAuthCookies(safeRedirect(value.redirectTo), outcome.headers)
	})
}

const totpConstraint = getFormConstraint(SignInTotpSchema)
const backupConstraint = getFormConstraint(SignInBackupCodeSchema)

export default function TwoFactorStep({ actionData }: Route.ComponentProps) {
	const [searchParams] = useSearchParams()
	const backup = searchParams.get('method') === 'backup'
	const redirectTo = searchParams.get('redirectTo') ?? ''
	const other = new URLSearchParams(redirectTo ? { redirectTo } : {})
	if (!backup) other.set('method', 'backup')
	return (
		<section className="card narrow">
			<h1>Two-factor authentication</h1>
			<p>
				{backup
					? 'Enter one of the backup codes you saved when you turned on two-factor authentication. Each code works once.'
					: 'Enter the 6-digit code from your authenticator app.'}
			</p>
			{/* One form per method (its own id and schema): switching starts it afresh. */}
			<CodeForm key={backup ? 'backup' : 'totp'} backup={backup} redirectTo={redirectTo} lastResult={actionData?.result} />
			<p>
				<Link to={`/login/two-factor?${other}`}>{backup ? 'Use your authenticator app' : 'Use a backup code'}</Link>
			</p>
			<p>
				<Link to="/login">Back to sign in</Link>
			</p>
		</section>
	)
}

function CodeForm({
	backup,
	redirectTo,
	lastResult,
}: {
	backup: boolean
	redirectTo: string
	lastResult: SubmissionResult<string[]> | undefined
}) {
	const [form, fields] = useZodForm(backup ? SignInBackupCodeSchema : SignInTotpSchema, {
		id: backup ? 'two-factor-backup' : 'two-factor-totp',
		lastResult,
		constraint: backup ? backupConstraint : totpConstraint,
	})
	return (
		<Form method="post" {...form.props} noValidate>
			<FormErrors id={form.errorId} errors={form.errors} />
			{backup ? (
				<>
					<input type="hidden" name="method" value="backup" />
					<Field label="Backup code" meta={fields.backupCode} type="text" inputProps={{ autoComplete: 'off', spellCheck: false }} />
				</>
			) : (
				<Field
					label="Authentication code"
					meta={fields.code}
					type="text"
					inputProps={{ autoComplete: 'one-time-code', inputMode: 'numeric' }}
				/>
			)}
			<CheckboxField label="Trust this device for 30 days" meta={fields.trustDevice} />
			<input type="hidden" name="redirectTo" value={redirectTo} />
			<SubmitButton pendingText="Verifying…">Verify</SubmitButton>
		</Form>
	)
}
