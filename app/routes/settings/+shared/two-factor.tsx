/**
 * "Two-factor authentication" in Settings: turn TOTP on (password, then the
 * QR code and secret, then a code), see the backup codes once, regenerate
 * them, turn it off (password and a code). Until its first code, a setup
 * stays as it is across reloads (the page's loader shows the same secret),
 * or is discarded with "Cancel setup". Plain POST forms: no JavaScript
 * needed; the QR code is an SVG the server drew.
 */
import type { SubmissionResult } from '@conform-to/react'
import { Form } from 'react-router'
import { Field, SubmitButton } from '#app/components/forms.tsx'
import type { TwoFactorIntent } from './schemas-plain.ts'
import { SettingsForm, SettingsSection } from './settings-kit.tsx'
import { useSettingsForm } from './use-settings-form.ts'

type LastResult = SubmissionResult<string[]> | null | undefined

export type TwoFactorActionView = {
	intent: TwoFactorIntent
	result: SubmissionResult<string[]>
	backupCodes?: string[]
}

/** A setup waiting for its first code (from the page's loader). */
export type TwoFactorSetupView = { secret: string; qrSvg: string }

type PasswordIntent = 'two-factor-enable' | 'two-factor-regenerate' | 'two-factor-disable'

/** The forms that start with the password: what each one asks for and says. */
const PASSWORD_FORMS: Record<
	PasswordIntent,
	{
		button: string
		pendingText: string
		withCode?: boolean
		danger?: boolean
	}
> = {
	'two-factor-enable': {
		button: 'Enable two-factor authentication',
		pendingText: 'Starting…',
	},
	'two-factor-regenerate': {
		button: 'Regenerate backup codes',
		pendingText: 'Regenerating…',
	},
	'two-factor-disable': {
		button: 'Disable two-factor authentication',
		pendingText: 'Disabling…',
		withCode: true,
		danger: true,
	},
}

function PasswordForm({ intent, lastResult }: { intent: PasswordIntent; lastResult: LastResult }) {
	const { button, pendingText, withCode, danger } = PASSWORD_FORMS[intent]
	const [form, fields] = useSettingsForm(intent, lastResult)
	return (
		<SettingsForm form={form} intent={intent} submit={button} pendingText={pendingText} danger={danger}>
			<Field label="Your password" meta={fields.password!} type="password" inputProps={{ autoComplete: 'current-password' }} />
			{withCode ? (
				<Field
					label="Authentication code"
					meta={fields.code!}
					type="text"
					hint="From your authenticator app, or one of your backup codes."
					inputProps={{ autoComplete: 'one-time-code' }}
				/>
			) : null}
		</SettingsForm>
	)
}

function SetupForm({ setup, lastResult }: { setup: TwoFactorSetupView; lastResult: LastResult }) {
	const [form, fields] = useSettingsForm('two-factor-verify', lastResult)
	return (
		<div className="two-factor-setup">
			<p>Scan this QR code with your authenticator app, or enter the secret by hand. Then type the code the app shows.</p>
			<figure className="qr-code" aria-label="QR code for your authenticator app" dangerouslySetInnerHTML={{ __html: setup.qrSvg }} />
			<p>
				Secret: <code data-testid="totp-secret">{setup.secret}</code>
			</p>
			<SettingsForm form={form} intent="two-factor-verify" submit="Verify" pendingText="Verifying…">
				<Field
					label="Authentication code"
					meta={fields.code}
					type="text"
					inputProps={{ autoComplete: 'one-time-code', inputMode: 'numeric' }}
				/>
			</SettingsForm>
			<Form method="post">
				<SubmitButton name="intent" value="two-factor-cancel" className="button-secondary" pendingText="Cancelling…">
					Cancel setup
				</SubmitButton>
			</Form>
		</div>
	)
}

function BackupCodes({ codes }: { codes: string[] }) {
	const text = `Taskwell backup codes\nEach code works once.\n\n${codes.join('\n')}\n`
	return (
		<div className="backup-codes" role="status">
			<h3>Your backup codes</h3>
			<p>
				Save these codes somewhere safe now: they are shown only this once. Each one signs you in once if you lose your authenticator app.
			</p>
			<ul aria-label="Backup codes">
				{codes.map((code) => (
					<li key={code}>
						<code>{code}</code>
					</li>
				))}
			</ul>
			<p>
				<a href={`data:text/plain;charset=utf-8,${encodeURIComponent(text)}`} download="taskwell-backup-codes.txt">
					Download backup codes
				</a>
			</p>
		</div>
	)
}

export function TwoFactorSection({
	enabled,
	setup,
	action,
}: {
	enabled: boolean
	setup: TwoFactorSetupView | null
	action: TwoFactorActionView | undefined
}) {
	const resultFor = (intent: TwoFactorIntent) => (action?.intent === intent ? action.result : undefined)
	return (
		<SettingsSection id="two-factor" title="Two-factor authentication">
			{action?.backupCodes ? <BackupCodes codes={action.backupCodes} /> : null}
			{enabled ? (
				<>
					<p>Two-factor authentication is on: signing in with your password also asks for a code from your authenticator app.</p>
					<h3>Backup codes</h3>
					<PasswordForm intent="two-factor-regenerate" lastResult={resultFor('two-factor-regenerate')} />
					<h3>Turn off</h3>
					<PasswordForm intent="two-factor-disable" lastResult={resultFor('two-factor-disable')} />
				</>
			) : setup ? (
				<SetupForm setup={setup} lastResult={resultFor('two-factor-verify')} />
			) : (
				<>
					<p>Protect your account with a code from an authenticator app each time you sign in with your password.</p>
					<PasswordForm intent="two-factor-enable" lastResult={resultFor('two-factor-enable')} />
				</>
			)}
		</SettingsSection>
	)
}
