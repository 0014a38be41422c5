/**
 * The parts every settings section is made of.
 *
 * SettingsSection: a region named by its heading (`<id>-heading`, the
 * anchor a form posts to when its error should open scrolled to it).
 *
 * SettingsForm: one settings form: a plain POST with its `intent` on the submit button,
 * the form's own errors first, then its fields (children). `form` is
 * useSettingsForm's form state (validated in the browser when JavaScript
 * runs, the server's reply otherwise). `action` posts to an anchor, so a
 * page rendered with the form's error opens scrolled to it.
 */
import type { ReactNode } from 'react'
import { Form } from 'react-router'
import { FormErrors, SubmitButton } from '#app/components/forms.tsx'
import type { BrowserFormMetadata } from '#app/lib/forms/use-browser-validated-form.ts'
import type { SettingsFormIntent } from './use-settings-form.ts'

export function SettingsForm({
	form,
	intent,
	submit,
	pendingText,
	danger,
	action,
	children,
}: {
	form: BrowserFormMetadata
	intent: SettingsFormIntent
	submit: string
	pendingText: string
	danger?: boolean
	action?: string
	children: ReactNode
}) {
	return (
		<Form method="post" action={action} {...form.props} noValidate>
			<FormErrors id={form.errorId} errors={form.errors} />
			{children}
			<SubmitButton name="intent" value={intent} pendingText={pendingText} className={danger ? 'button-danger' : undefined}>
				{submit}
			</SubmitButton>
		</Form>
	)
}

export function SettingsSection({ id, title, danger, children }: { id: string; title: string; danger?: boolean; children: ReactNode }) {
	return (
		<section aria-labelledby={`${id}-heading`} className={danger ? 'settings-section danger-zone' : 'settings-section'}>
			<h2 id={`${id}-heading`}>{title}</h2>
			{children}
		</section>
	)
}
