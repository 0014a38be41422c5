/**
 * The add and edit form: Title, Notes, Due date, Priority. Server errors
 * (validation, 422 from the API, API unavailable) render the same with or
 * without JavaScript; the user's input is always kept.
 */
import { getFormProps, getInputProps, getSelectProps, getTextareaProps, useForm, type SubmissionResult } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import { useEffect, useRef } from 'react'
import { Form, useNavigation } from 'react-router'
import {
	ADD_KEY_FIELD,
	TASK_NOTES_MAX_LENGTH,
	TASK_PRIORITIES,
	TASK_TITLE_MAX_LENGTH,
	TaskFormSchema,
	type TaskFormValues,
} from '../../../lib/schemas/tasks.ts'
import { PRIORITY_LABELS } from './view.ts'
import { ErrorList, Field, FormErrors, SubmitButton, TextareaField } from '../../../components/forms.tsx'

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

export function TaskForm({ id, intent, submitLabel, pendingLabel, lastResult, defaultValue, view, action, children, resetKey, addKey }: Props) {
	const [form, fields] = useForm({
		id,
		lastResult,
		defaultValue: { priority: 'normal', ...defaultValue },
		shouldValidate: 'onSubmit',
		shouldRevalidate: 'onInput',
		onValidate: ({ formData }) => parseWithZod(formData, { schema: TaskFormSchema }),
	})
	const navigation = useNavigation()
	const titleRef = useRef<HTMLInputElement>(null)
	useEffect(() => {
		if (resetKey && intent === 'create') {
			form.reset()
			titleRef.current?.focus()
		}
		// eslint-disable-next-line react-hooks/exhaustive-deps
	}, [resetKey])
	const busy = navigation.state !== 'idle' && navigation.formData?.get('intent') === intent
	const { key: titleKey, ...titleProps } = getInputProps(fields.title, { type: 'text' })
	return (
		<Form method="post" action={action} {...getFormProps(form)} noValidate className="task-form" aria-busy={busy || undefined}>
			<input type="hidden" name="intent" value={intent} />
			{addKey ? <input type="hidden" name={ADD_KEY_FIELD} value={addKey} /> : null}
			{[...view.entries()].map(([key, value]) => (
				<input key={key} type="hidden" name={key} value={value} />
			))}
			<FormErrors id={form.errorId} errors={form.errors} />
			<div className="task-form-grid">
				<div className="field task-form-title">
					<label htmlFor={fields.title.id}>Title</label>
					<input
						key={titleKey ?? undefined}
						{...titleProps}
						ref={titleRef}
						maxLength={TASK_TITLE_MAX_LENGTH}
						autoComplete="off"
						aria-invalid={fields.title.errors?.length ? true : undefined}
						aria-describedby={fields.title.errors?.length ? fields.title.errorId : undefined}
					/>
					<ErrorList id={fields.title.errorId} errors={fields.title.errors} />
				</div>
				<TextareaField
					className="task-form-notes"
					label="Notes"
					textareaProps={{ ...getTextareaProps(fields.notes), rows: 2, maxLength: TASK_NOTES_MAX_LENGTH }}
					errors={fields.notes.errors}
					errorId={fields.notes.errorId}
				/>
				<Field
					label="Due date"
					inputProps={getInputProps(fields.dueDate, { type: 'date' })}
					errors={fields.dueDate.errors}
					errorId={fields.dueDate.errorId}
				/>
				<div className="field">
					<label htmlFor={fields.priority.id}>Priority</label>
					<select
						{...getSelectProps(fields.priority)}
						key={fields.priority.key}
						aria-invalid={fields.priority.errors?.length ? true : undefined}
						aria-describedby={fields.priority.errors?.length ? fields.priority.errorId : undefined}
					>
						{TASK_PRIORITIES.map((priority) => (
							<option key={priority} value={priority}>
								{PRIORITY_LABELS[priority]}
							</option>
						))}
					</select>
					<ErrorList id={fields.priority.errorId} errors={fields.priority.errors} />
				</div>
			</div>
			<div className="form-actions">
				<SubmitButton pendingText={pendingLabel}>
					{submitLabel}
				</SubmitButton>
				{children}
			</div>
		</Form>
	)
}
