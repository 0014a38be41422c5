/**
 * The add and edit form: Title, Notes, Due date, Priority. Validated by the
 * server, with or without JavaScript (the browser loads no zod for it); its
 * errors (validation, 422 from the API, API unavailable) render the same
 * either way, and the user's input is always kept.
 *
 * The add form (`quick`) is one line, Title and "Add task", with the other
 * fields under "More options" (a <details>, so it works without JavaScript;
 * open when one of them has a value or an error). With JavaScript, a
 * successful add clears only the fields that still hold what was submitted:
 * what the user typed while the add was saving stays.
 */
import type { SubmissionResult } from '@conform-to/react'
import { useEffect, useRef } from 'react'
import { Form, useNavigation } from 'react-router'
import { ADD_KEY_FIELD, TASK_FORM_CONSTRAINT } from './schemas-plain.ts'
import type { TaskFormValues } from './schemas.ts'
import { TASK_PRIORITIES } from '#common/tasks-limits.ts'
import { useIsPending } from '#app/lib/forms/use-is-pending.ts'
import { useServerValidatedForm } from '#app/lib/forms/use-server-validated-form.ts'
import { Field, FormErrors, SelectField, SubmitButton, TextareaField } from '#app/components/forms.tsx'
import { PRIORITY_LABELS } from './view.ts'

/** The add form's fields and what each is cleared to after a successful add. */
const CLEARED_TO: Record<keyof TaskFormValues, string> = { title: '', notes: '', dueDate: '', priority: 'normal', assigneeId: '' }

/** Who a workspace task can be assigned to ("Assigned to"). */
export type Assignable = { userId: string; name: string }

type Props = {
	id: string
	intent: 'create' | 'update'
	submitLabel: string
	pendingLabel: string
	lastResult?: SubmissionResult<string[]> | null
	defaultValue?: Partial<Record<keyof TaskFormValues, string>>
	children?: React.ReactNode
	/** The add form's one-time key (rendered by the server; see ADD_KEY_FIELD). */
	addKey?: string
	/** One line (Title + submit) with the other fields under "More options". */
	quick?: boolean
	/** In a workspace: its members, for "Assigned to" (absent on the personal list). */
	people?: Assignable[]
}

export function TaskForm({ id, intent, submitLabel, pendingLabel, lastResult, defaultValue, children, addKey, quick, people }: Props) {
	// Validated by the server only, with JavaScript too (neither zod nor
	// conform's form runtime in the browser): the errors come back in lastResult.
	const [form, fields, formRef] = useServerValidatedForm({
		id,
		lastResult,
		defaultValue: { priority: 'normal', ...defaultValue },
		constraint: TASK_FORM_CONSTRAINT,
	})
	const titleRef = useRef<HTMLInputElement>(null)
	const busy = useIsPending({ intent })
	const navigation = useNavigation()
	// What the add in flight sent (JavaScript only): cleared after its success.
	const submitted = useRef<FormData | null>(null)
	useEffect(() => {
		if (navigation.state !== 'idle' || !submitted.current) return
		const sent = submitted.current
		submitted.current = null
		// A failed add answers with its result (errors, kept input): nothing to clear.
		if (lastResult || intent !== 'create' || !formRef.current) return
		for (const [name, clearedTo] of Object.entries(CLEARED_TO)) {
			const element = formRef.current.elements.namedItem(name)
			if (!(element instanceof HTMLInputElement || element instanceof HTMLTextAreaElement || element instanceof HTMLSelectElement)) continue
			if (element.value === (sent.get(name) ?? '')) element.value = clearedTo
		}
		titleRef.current?.focus()
	}, [navigation.state, lastResult, intent, formRef])

	const optionErrors = Boolean(
		fields.notes.errors?.length || fields.dueDate.errors?.length || fields.priority.errors?.length || fields.assigneeId.errors?.length,
	)
	const optionValues = Boolean(
		fields.notes.initialValue ||
		fields.dueDate.initialValue ||
		(fields.priority.initialValue ?? 'normal') !== 'normal' ||
		fields.assigneeId.initialValue,
	)
	const options = (
		<>
			<TextareaField className="task-form-notes" label="Notes" meta={fields.notes} textareaProps={{ rows: 2 }} />
			<Field label="Due date" meta={fields.dueDate} type="date" />
			<SelectField label="Priority" meta={fields.priority}>
				{TASK_PRIORITIES.map((priority) => (
					<option key={priority} value={priority}>
						{PRIORITY_LABELS[priority]}
					</option>
				))}
			</SelectField>
			{people ? (
				<SelectField label="Assigned to" meta={fields.assigneeId}>
					<option value="">Nobody</option>
					{people.map((person) => (
						<option key={person.userId} value={person.userId}>
							{person.name}
						</option>
					))}
				</SelectField>
			) : null}
		</>
	)
	const title = (
		<Field className="task-form-title" label="Title" meta={fields.title} type="text" inputProps={{ ref: titleRef, autoComplete: 'off' }} />
	)
	const submit = (
		<SubmitButton pendingText={pendingLabel} intent={intent}>
			{submitLabel}
		</SubmitButton>
	)
	return (
		<Form
			method="post"
			{...form.props}
			ref={formRef}
			onSubmit={(event) => {
				submitted.current = new FormData(event.currentTarget)
			}}
			noValidate
			className={`task-form${quick ? ' task-form-quick' : ''}`}
			aria-busy={busy || undefined}
		>
			<input type="hidden" name="intent" value={intent} />
			{addKey ? <input type="hidden" name={ADD_KEY_FIELD} value={addKey} /> : null}
			<FormErrors id={form.errorId} errors={form.errors} />
			{quick ? (
				<>
					<div className="quick-add-line">
						{title}
						{submit}
					</div>
					<details className="more-options" open={optionErrors || optionValues || undefined}>
						<summary>More options</summary>
						<div className="task-form-grid">{options}</div>
					</details>
					{children}
				</>
			) : (
				<>
					<div className="task-form-grid">
						{title}
						{options}
					</div>
					<div className="form-actions">
						{submit}
						{children}
					</div>
				</>
			)}
		</Form>
	)
}
