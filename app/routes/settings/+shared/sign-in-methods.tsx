/**
 * The Settings sections of issue 10: "Change email" and "Linked accounts".
 * Plain POST forms with an intent (they work without JavaScript); a link
 * form reloads the document, since its action answers 302 to the provider.
 * An account without a password changes its email with a code mailed to its
 * current address ("Send a code"), or without one just after signing in.
 */
import type { SubmissionResult } from '@conform-to/react'
import { Form, useSearchParams } from 'react-router'
import { Field, FormErrors, SubmitButton } from '#app/components/forms.tsx'
import { providerErrorMessage } from '#app/lib/auth/provider-errors.ts'
import { FORM_CONSTRAINTS } from './schemas-plain.ts'
import { useZodForm } from '#app/lib/forms/use-zod-form.ts'
import { Notice } from '#app/components/notice.tsx'
import { SettingsSection } from './settings-kit.tsx'

type LastResult = SubmissionResult<string[]> | null | undefined
type ActionData = { intent?: unknown; result?: LastResult } | undefined

/** The result of `intent` in the page's action data, if that form was the one posted. */
export function resultOf(actionData: unknown, intent: string): LastResult {
	const data = actionData as ActionData
	return data?.intent === intent ? data.result : undefined
}

/** How the account proves an email change (see email-change-code.server.ts). */
export type EmailChangeProofView = 'password' | 'recent-sign-in' | 'code'

/** The schemas, imported when the form is first used (useZodForm). */
const settingsSchemas = () => import('./schemas.ts')

export function ChangeEmailSection({ email, proof, actionData }: { email: string; proof: EmailChangeProofView; actionData: unknown }) {
	const [searchParams] = useSearchParams()
	const state = searchParams.get('email-change')
	const to = searchParams.get('to')?.slice(0, 254)
	const codeSent = searchParams.get('email-code') === 'sent'
	const withPassword = proof === 'password'
	const [form, fields] = useZodForm<string>(
		() => settingsSchemas().then((schemas) => (withPassword ? schemas.ChangeEmailSchema : schemas.ChangeEmailWithCodeSchema)),
		{
			id: 'change-email',
			lastResult: resultOf(actionData, 'change-email'),
			constraint: withPassword ? FORM_CONSTRAINTS.changeEmail : FORM_CONSTRAINTS.changeEmailWithCode,
		},
	)
	const codeErrors = resultOf(actionData, 'email-change-code')?.error?.['']
	return (
		<SettingsSection id="change-email" title="Change email">
			{state === 'sent' ? (
				<Notice tone="success">
					We have sent a link to <bdi>{to}</bdi>. Your email changes when you open it; until then it stays <bdi>{email}</bdi>.
				</Notice>
			) : state === 'done' ? (
				<Notice tone="success">
					Your email address is now <bdi>{email}</bdi>.
				</Notice>
			) : codeSent && !withPassword ? (
				<Notice tone="success">
					We have sent a 6-digit code to <bdi>{email}</bdi>. It works once, within 10 minutes.
				</Notice>
			) : null}
			{withPassword ? null : (
				<>
					<p>
						Your account has no password, so a code sent to <bdi>{email}</bdi> proves it is you.
						{proof === 'recent-sign-in' ? ' You signed in a moment ago: for the next few minutes no code is needed.' : null}
					</p>
					<Form method="post" action="/settings#change-email-heading">
						<FormErrors id="email-change-code-errors" errors={codeErrors} />
						<SubmitButton name="intent" value="email-change-code" className="button-secondary" pendingText="Sending…">
							Send a code
						</SubmitButton>
					</Form>
				</>
			)}
			<Form method="post" {...form.props} noValidate>
				<FormErrors id={form.errorId} errors={form.errors} />
				<Field label="New email" meta={fields.newEmail!} type="email" inputProps={{ autoComplete: 'email' }} />
				{withPassword ? (
					<Field
						label="Current password"
						meta={fields.currentPassword!}
						type="password"
						inputProps={{ autoComplete: 'current-password' }}
					/>
				) : (
					<Field
						label="Code from your email"
						meta={fields.code!}
						type="text"
						hint={
							proof === 'recent-sign-in'
								? 'Not needed within 5 minutes of signing in.'
								: 'The 6-digit code we sent to your current address.'
						}
						inputProps={{ autoComplete: 'one-time-code', inputMode: 'numeric' }}
					/>
				)}
				<SubmitButton name="intent" value="change-email" pendingText="Sending…">
					Change email
				</SubmitButton>
			</Form>
		</SettingsSection>
	)
}

export type LinkedAccountView = { id: string; providerId: string; name: string }

export function LinkedAccountsSection({
	linkedAccounts,
	linkableProviders,
	actionData,
}: {
	linkedAccounts: LinkedAccountView[]
	linkableProviders: Array<{ id: string; name: string }>
	actionData: unknown
}) {
	const [searchParams] = useSearchParams()
	const nameOf = (id: string | null) =>
		[...linkedAccounts, ...linkableProviders].find((p) => ('providerId' in p ? p.providerId : p.id) === id)?.name ?? id
	const linked = searchParams.get('linked')
	const unlinked = searchParams.get('unlinked')
	const error = providerErrorMessage(searchParams.get('error'))
	const formErrors = [resultOf(actionData, 'unlink-provider'), resultOf(actionData, 'link-provider')]
		.map((result) => result?.error?.[''])
		.find(Boolean)
	const onlyOne = linkedAccounts.length <= 1
	return (
		<SettingsSection id="linked-accounts" title="Linked accounts">
			{linked ? (
				<Notice tone="success">{nameOf(linked)} is linked: you can sign in with it.</Notice>
			) : unlinked ? (
				<Notice tone="success">{nameOf(unlinked)} is no longer linked.</Notice>
			) : null}
			<Notice tone="error">{error}</Notice>
			{formErrors?.length ? <FormErrors id="linked-accounts-errors" errors={formErrors} /> : null}
			<p>The ways you can sign in to this account.</p>
			<ul className="linked-accounts">
				{linkedAccounts.map((account) => (
					<li key={account.id}>
						<span>{account.name}</span>{' '}
						{onlyOne ? (
							<small>(your only way to sign in)</small>
						) : (
							<Form method="post">
								<input type="hidden" name="accountId" value={account.id} />
								<SubmitButton name="intent" value="unlink-provider" className="secondary" aria-label={`Unlink ${account.name}`}>
									Unlink
								</SubmitButton>
							</Form>
						)}
					</li>
				))}
			</ul>
			{linkableProviders.map((provider) => (
				<Form key={provider.id} method="post" reloadDocument>
					<input type="hidden" name="provider" value={provider.id} />
					<SubmitButton name="intent" value="link-provider" className="secondary">
						Link {provider.name}
					</SubmitButton>
				</Form>
			))}
		</SettingsSection>
	)
}
