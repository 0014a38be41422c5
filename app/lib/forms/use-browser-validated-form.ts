/**
 * A form validated in the browser as conform's `useForm({ shouldValidate:
 * 'onBlur', shouldRevalidate: 'onInput', onValidate: parseWithZod })` does,
 * without conform's form runtime and without zod in the page's first load
 * (the JavaScript budget of /login, /signup and /settings:
 * scripts/bundle-size.mjs). The field metadata comes from
 * useServerValidatedForm (the action's `submission.reply()`); the schema and
 * the parser (validation.ts) are imported when the form first takes
 * focus. Then, as with conform:
 * - a field is validated when it loses focus, and again on each input after
 *   that (after a refused submission, every field is);
 * - a submit with errors is stopped, every field shows its errors, and the
 *   first invalid one takes focus; one without goes to the action, which
 *   validates again (the authority).
 * Until the schema has loaded, a submit goes to the action as it would
 * without JavaScript, and the server's errors are shown: except on a field
 * typed into since the form was sent, where the reply speaks of a value no
 * longer there (the browser's own verdict on it stays, and the field does
 * not jump back to an error the user has already fixed).
 */
import { useEffect, useRef, useState, type FormEvent, type FocusEvent } from 'react'
import type { ValidationErrors, ValidationSchema } from './validation.ts'
import {
	useServerValidatedForm,
	type FieldConstraint,
	type ServerFieldMetadata,
	type ServerFormMetadata,
} from './use-server-validated-form.ts'

type Options<Name extends string> = Parameters<typeof useServerValidatedForm<Name>>[0] & {
	/** The action's schema, imported on demand: `() => import('…/schemas/auth.ts').then((m) => m.SignupSchema)`. */
	schema: () => Promise<ValidationSchema>
}

type Validate = (formData: FormData) => ValidationErrors

/** What the browser found since the server's last reply. */
type BrowserState = {
	/** The reply this state follows (a new one starts afresh). */
	after: unknown
	/** Fields whose shown errors are the browser's. */
	checked: ReadonlySet<string>
	errors: ValidationErrors
	/** Fields typed into since the form was last sent. */
	edited: ReadonlySet<string>
}

const NONE: ReadonlySet<string> = new Set()

/**
 * The state a new reply starts: the reply's errors, except on the fields
 * typed into since the form was sent (a reply to that sending says nothing
 * of what they hold now): on those the browser's verdict stays, or none.
 */
function afterReply(state: BrowserState, reply: unknown): BrowserState {
	const errors: ValidationErrors = {}
	for (const name of state.edited) errors[name] = state.checked.has(name) ? state.errors[name] : undefined
	return { after: reply, checked: state.edited, errors, edited: state.edited }
}

export type BrowserFormMetadata = Omit<ServerFormMetadata, 'props'> & {
	/** For React Router's <Form>: id, aria, ref and the validation handlers. */
	props: ServerFormMetadata['props'] & {
		ref: React.RefObject<HTMLFormElement | null>
		onFocus: () => void
		onBlur: (event: FocusEvent<HTMLFormElement>) => void
		onInput: (event: FormEvent<HTMLFormElement>) => void
		onSubmit: (event: FormEvent<HTMLFormElement>) => void
	}
}

const nameOf = (target: EventTarget) => (target as { name?: unknown }).name

export function useBrowserValidatedForm<Name extends string>({
	schema,
	...options
}: Options<Name>): [BrowserFormMetadata, Record<Name, ServerFieldMetadata>] {
	const [serverForm, serverFields, formRef] = useServerValidatedForm(options)
	const names = Object.keys(options.constraint as Record<Name, FieldConstraint>) as Name[]
	const validateRef = useRef<Validate | null>(null)
	const loading = useRef<Promise<void> | null>(null)
	const [state, setState] = useState<BrowserState>({ after: options.lastResult, checked: NONE, errors: {}, edited: NONE })
	const current = state.after === options.lastResult ? state : afterReply(state, options.lastResult)
	// After a refused submission every field is revalidated on input, as conform does.
	const live = (name: string) => current.checked.has(name) || options.lastResult?.status === 'error'
	/** Validates the form now, showing the browser's errors for `checked`; returns the errors. */
	function validate(
		form: HTMLFormElement,
		checked: ReadonlySet<string>,
		submitter?: HTMLElement | null,
		edited = current.edited,
	): ValidationErrors | null {
		const run = validateRef.current
		if (!run) return null
		const errors = run(new FormData(form, submitter))
		setState({ after: options.lastResult, checked, errors, edited })
		return errors
	}
	// For the schema's arrival (after this render): this render's state, and
	// its validate (which knows this render's reply).
	const latest = useRef({ current, validate })
	useEffect(() => {
		latest.current = { current, validate }
	})

	function load() {
		loading.current ??= Promise.all([schema(), import('./validation.ts')])
			.then(([loaded, { validateForm }]) => {
				validateRef.current = (formData) => validateForm(formData, loaded)
				// Fields left before the schema arrived are validated now.
				const { current, validate } = latest.current
				if (formRef.current && current.checked.size > 0) validate(formRef.current, current.checked)
			})
			// Not loaded (offline, a new deployment): the server validates, as without JavaScript.
			.catch(() => {
				loading.current = null
			})
	}

	// A server reply moves focus itself (useServerValidatedForm); a refusal
	// found here moves it to the first invalid field once it is rendered.
	const [focusRequest, setFocusRequest] = useState(0)
	useEffect(() => {
		if (focusRequest) formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus()
	}, [focusRequest, formRef])

	const check = (form: HTMLFormElement, name: string, edited = current.edited) => {
		const checked = new Set([...current.checked, name])
		if (validateRef.current) return validate(form, checked, undefined, edited)
		// The schema is still loading: the field is remembered, and validated
		// when it arrives (load()).
		setState({ after: options.lastResult, checked, errors: current.errors, edited })
		return null
	}

	const fields = {} as Record<Name, ServerFieldMetadata>
	for (const name of names) {
		const field = serverFields[name]
		if (!current.checked.has(name)) {
			fields[name] = field
			continue
		}
		const errors = current.errors[name]?.length ? (current.errors[name] as string[]) : undefined
		fields[name] = { ...field, errors, valid: !errors }
	}
	const formErrors = current.checked.has('') && current.errors['']?.length ? (current.errors[''] as string[]) : serverForm.errors
	const form: BrowserFormMetadata = {
		...serverForm,
		errors: formErrors,
		props: {
			...(formErrors ? { id: serverForm.id, 'aria-describedby': serverForm.errorId } : { id: serverForm.id }),
			ref: formRef,
			onFocus: load,
			onBlur(event) {
				const name = nameOf(event.target)
				if (typeof name === 'string' && (names as string[]).includes(name)) check(event.currentTarget, name)
			},
			onInput(event) {
				const name = nameOf(event.target)
				if (typeof name !== 'string' || !(names as string[]).includes(name)) return
				const edited = current.edited.has(name) ? current.edited : new Set([...current.edited, name])
				if (live(name)) check(event.currentTarget, name, edited)
				else if (edited !== current.edited) setState({ ...current, edited })
			},
			onSubmit(event) {
				const submitter = (event.nativeEvent as SubmitEvent).submitter
				const errors = validate(event.currentTarget, new Set(['', ...names]), submitter, NONE)
				// Not loaded yet: sent, to be checked by the action alone.
				if (!errors) setState({ ...current, edited: NONE })
				if (!errors || !Object.values(errors).some((messages) => messages?.length)) return
				event.preventDefault()
				setFocusRequest((count) => count + 1)
			},
		},
	}
	return [form, fields]
}
