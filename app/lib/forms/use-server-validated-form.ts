/**
 * A form validated by the server only: the field metadata conform's
 * `useForm` would give (ids, errors, initial values, HTML constraints, for
 * the forms kit in app/components/forms.tsx), read from the action's
 * `submission.reply()`, without conform's browser runtime.
 *
 * For a page that must stay light (the /tasks page's JavaScript budget:
 * conform's form runtime is ~9 KB gzipped, its zod adapter and zod ~30 KB
 * more). The form is a plain React Router <Form>: without JavaScript the
 * server renders the errors (the first invalid field `autoFocus`); with
 * JavaScript they come back in `lastResult` after the submit, and the first
 * invalid field takes focus, as conform does.
 */
import type { SubmissionResult } from '@conform-to/react'
import { useEffect, useRef, type RefObject } from 'react'

/** An input's HTML constraints (conform's Constraint; see TASK_FORM_CONSTRAINT). */
export type FieldConstraint = { required?: boolean; minLength?: number; maxLength?: number; pattern?: string }

/** The part of conform's FieldMetadata the forms kit reads. */
export type ServerFieldMetadata = FieldConstraint & {
	id: string
	name: string
	formId: string
	errorId: string
	descriptionId: string
	errors: string[] | undefined
	valid: boolean
	initialValue: string | undefined
}

export type ServerFormMetadata = {
	id: string
	errorId: string
	/** Errors of the whole form (conform's `formErrors`). */
	errors: string[] | undefined
	/** For the <form>: its id, and its errors tied to it while there are any. */
	props: { id: string; 'aria-describedby'?: string }
}

type Options<Name extends string> = {
	id: string
	/** The action's `submission.reply()` (undefined after a success, or before any submit). */
	lastResult?: SubmissionResult<string[]> | null
	defaultValue?: Partial<Record<Name, string>>
	constraint: Record<Name, FieldConstraint>
}

export function useServerValidatedForm<Name extends string>({
	id,
	lastResult,
	defaultValue,
	constraint,
}: Options<Name>): [ServerFormMetadata, Record<Name, ServerFieldMetadata>, RefObject<HTMLFormElement | null>] {
	const formRef = useRef<HTMLFormElement>(null)
	// With JavaScript, a new refusal moves focus to the first invalid field
	// (the one the page opened with is autofocused by the server render).
	const shownResult = useRef(lastResult)
	useEffect(() => {
		if (lastResult === shownResult.current) return
		shownResult.current = lastResult
		if (lastResult?.status === 'error') formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus()
	}, [lastResult])

	const errorsOf = (name: string) => {
		const errors = lastResult?.error?.[name]
		return errors?.length ? errors : undefined
	}
	const initial: Record<string, unknown> = lastResult?.initialValue ?? defaultValue ?? {}
	const fields = {} as Record<Name, ServerFieldMetadata>
	for (const name of Object.keys(constraint) as Name[]) {
		const fieldId = `${id}-${name}`
		const errors = errorsOf(name)
		const value = initial[name]
		fields[name] = {
			...constraint[name],
			id: fieldId,
			name,
			formId: id,
			errorId: `${fieldId}-error`,
			descriptionId: `${fieldId}-description`,
			errors,
			valid: !errors,
			initialValue: typeof value === 'string' ? value : undefined,
		}
	}
	const formErrors = errorsOf('')
	const form: ServerFormMetadata = {
		id,
		errorId: `${id}-error`,
		errors: formErrors,
		props: formErrors ? { id, 'aria-describedby': `${id}-error` } : { id },
	}
	return [form, fields, formRef]
}
