/**
 * The add and edit form: Title, Notes, Due date, Priority. Server errors
 * (validation, 422 from the API, API unavailable) render the same with or
 * without JavaScript; the user's input is always kept.
 */
import { getFormProps, useForm, type SubmissionResult } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import { useEffect, useRef } from 'react'
import { Form } from 'react-router'
import { getFormConstraint } from '#app/lib/form-constraint.ts'
import { ADD_KEY_FIELD, TASK_PRIORITIES, TaskFormSchema, type TaskFormValues } from '#app/lib/schemas/tasks.ts'
import { useIsPending } from '#app/lib/use-is-pending.ts'
import { Field, FormErrors, SelectField, SubmitButton, TextareaField } from '#app/components/forms.tsx'
import { PRIORITY_LABELS } from './view.ts'

const constraint = getFormConstraint(TaskFormSchema)

type Props = {
	id: string
	intent: 'create' | 'update'
	submitLabel: string
	pendingLabel: string
	lastResult?: SubmissionResult<string[]> | null
	defaultValue?: Partial<Record<keyof TaskFormValues, string>>
	/** status, q, sort, order to keep across the redirect. */
	view: URLSearchParams
	action?: string
	children?: React.ReactNode
	/** Move focus back to the title after a successful add. */
	resetKey?: string
	/** The add form's one-time key (rendered by the server; see ADD_KEY_FIELD). */
	addKey?: string
}

export function TaskForm({
	id,
	intent,
	submitLabel,
	pendingLabel,
	lastResult,
	defaultValue,
	view,
	action,
	children,
	resetKey,
	addKey,
}: Props) {
	const [form, fields] = useForm({
		id,
		lastResult,
		defaultValue: { priority: 'normal', ...defaultValue },
		constraint,
		shouldValidate: 'onSubmit',
		shouldRevalidate: 'onInput',
		onValidate: ({ formData }) => parseWithZod(formData, { schema: TaskFormSchema }),
	})
	const titleRef = useRef<HTMLInputElement>(null)
	useEffect(() => {
		if (resetKey && intent === 'create') {
			form.reset()
			titleRef.current?.focus()
		}
		// eslint-disable-next-line react-hooks/exhaustive-deps
	}, [resetKey])
	const busy = useIsPending({ formAction: action, intent })
	return (
		<Form method="post" action={action} {...getFormProps(form)} noValidate className="task-form" aria-busy={busy || undefined}>
			<input type="hidden" name="intent" value={intent} />
			{addKey ? <input type="hidden" name={ADD_KEY_FIELD} value={addKey} /> : null}
			{[...view.entries()].map(([key, value]) => (
				<input key={key} type="hidden" name={key} value={value} />
			))}
			<FormErrors id={form.errorId} errors={form.errors} />
			<div className="task-form-grid">
				<Field
					className="task-form-title"
					label="Title"
					meta={fields.title}
					type="text"
					inputProps={{ ref: titleRef, autoComplete: 'off' }}
				/>
				<TextareaField className="task-form-notes" label="Notes" meta={fields.notes} textareaProps={{ rows: 2 }} />
				<Field label="Due date" meta={fields.dueDate} type="date" />
				<SelectField label="Priority" meta={fields.priority}>
					{TASK_PRIORITIES.map((priority) => (
						<option key={priority} value={priority}>
							{PRIORITY_LABELS[priority]}
						</option>
					))}
				</SelectField>
			</div>
			<div className="form-actions">
				<SubmitButton pendingText={pendingLabel} formAction={action} intent={intent}>
					{submitLabel}
				</SubmitButton>
				{children}
			</div>
		</Form>
	)
}
