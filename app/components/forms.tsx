/**
 * Accessible form building blocks: every input has a visible label, and its
 * errors are rendered next to it and tied to it (aria-invalid,
 * aria-describedby), whether they came from the server or from the browser.
 */
import { useId, type InputHTMLAttributes, type ReactNode, type TextareaHTMLAttributes } from 'react'
import { useNavigation } from 'react-router'

export type ListOfErrors = Array<string | null | undefined> | null | undefined

export function ErrorList({ id, errors }: { id?: string; errors?: ListOfErrors }) {
	const messages = errors?.filter(Boolean)
	if (!messages?.length) return null
	return (
		<ul id={id} className="error-list">
			{messages.map((message) => (
				<li key={message}>{message}</li>
			))}
		</ul>
	)
}

export function FormErrors({ id, errors }: { id?: string; errors?: ListOfErrors }) {
	const messages = errors?.filter(Boolean)
	if (!messages?.length) return null
	return (
		<div id={id} role="alert" className="form-errors">
			<ErrorList errors={messages} />
		</div>
	)
}

type FieldProps = {
	label: ReactNode
	inputProps: InputHTMLAttributes<HTMLInputElement> & { key?: string | null }
	errors?: ListOfErrors
	errorId?: string
	hint?: ReactNode
	className?: string
}

export function Field({ label, inputProps, errors, errorId, hint, className }: FieldProps) {
	const fallbackId = useId()
	const { key, ...props } = inputProps
	const id = props.id ?? fallbackId
	const errorsId = errorId ?? `${id}-error`
	const hintId = hint ? `${id}-hint` : undefined
	const hasErrors = Boolean(errors?.filter(Boolean).length)
	const describedBy = [hasErrors ? errorsId : null, hintId].filter(Boolean).join(' ') || undefined
	return (
		<div className={['field', className].filter(Boolean).join(' ')}>
			<label htmlFor={id}>{label}</label>
			<input
				key={key ?? undefined}
				{...props}
				id={id}
				aria-invalid={hasErrors || undefined}
				aria-describedby={describedBy}
			/>
			{hint ? (
				<p id={hintId} className="hint">
					{hint}
				</p>
			) : null}
			<ErrorList id={errorsId} errors={errors} />
		</div>
	)
}

type TextareaFieldProps = Omit<FieldProps, 'inputProps'> & {
	textareaProps: TextareaHTMLAttributes<HTMLTextAreaElement> & { key?: string | null }
}

export function TextareaField({ label, textareaProps, errors, errorId, hint, className }: TextareaFieldProps) {
	const fallbackId = useId()
	const { key, ...props } = textareaProps
	const id = props.id ?? fallbackId
	const errorsId = errorId ?? `${id}-error`
	const hintId = hint ? `${id}-hint` : undefined
	const hasErrors = Boolean(errors?.filter(Boolean).length)
	const describedBy = [hasErrors ? errorsId : null, hintId].filter(Boolean).join(' ') || undefined
	return (
		<div className={['field', className].filter(Boolean).join(' ')}>
			<label htmlFor={id}>{label}</label>
			<textarea
				key={key ?? undefined}
				{...props}
				id={id}
				aria-invalid={hasErrors || undefined}
				aria-describedby={describedBy}
			/>
			{hint ? (
				<p id={hintId} className="hint">
					{hint}
				</p>
			) : null}
			<ErrorList id={errorsId} errors={errors} />
		</div>
	)
}

type CheckboxFieldProps = {
	label: ReactNode
	inputProps: InputHTMLAttributes<HTMLInputElement> & { key?: string | null }
}

export function CheckboxField({ label, inputProps }: CheckboxFieldProps) {
	const fallbackId = useId()
	const { key, ...props } = inputProps
	const id = props.id ?? fallbackId
	return (
		<div className="checkbox-field">
			<input key={key ?? undefined} {...props} id={id} type="checkbox" />
			<label htmlFor={id}>{label}</label>
		</div>
	)
}

/** A submit button that says it is working while its form is submitting. */
export function SubmitButton({
	children,
	pendingText,
	formAction,
	...props
}: React.ButtonHTMLAttributes<HTMLButtonElement> & { pendingText?: string }) {
	const navigation = useNavigation()
	const pending =
		navigation.state === 'submitting' &&
		(props.value === undefined || navigation.formData?.get(String(props.name)) === props.value)
	return (
		<button type="submit" {...props} formAction={formAction} aria-disabled={pending || undefined}>
			{pending && pendingText ? pendingText : children}
		</button>
	)
}
