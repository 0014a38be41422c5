/**
 * The forms kit: every input has a visible label, and its errors are
 * rendered next to it and tied to it (aria-invalid, aria-describedby),
 * whether they came from the server or from the browser.
 *
 * Each field takes conform's metadata (`fields.x` from `useForm`, or from
 * useServerValidatedForm for a form the server alone validates) and gets its
 * name, id, default value, constraints (from `getFormConstraint(schema)`
 * passed to `useForm`) and aria attributes from conform's `getInputProps`,
 * `getTextareaProps` or `getSelectProps`. Extra element props (autoComplete,
 * rows, a ref) go in `inputProps` / `textareaProps` / `selectProps`.
 *
 * A page rendered with a form error (the action's 400 without JavaScript)
 * opens with the first invalid field focused: the server renders `autofocus`
 * on it (see FirstInvalidField), and the root puts "Error: " in the title
 * (see hasFormError).
 */
import { getInputProps, getSelectProps, getTextareaProps, type FieldMetadata } from '@conform-to/react'
import {
	createContext,
	useContext,
	useState,
	type ButtonHTMLAttributes,
	type InputHTMLAttributes,
	type ReactNode,
	type Ref,
	type SelectHTMLAttributes,
	type TextareaHTMLAttributes,
} from 'react'
import { useIsPending } from '#app/lib/forms/use-is-pending.ts'
import type { ServerFieldMetadata } from '#app/lib/forms/use-server-validated-form.ts'

export type ListOfErrors = Array<string | null | undefined> | null | undefined

type ConformMeta = FieldMetadata<string | boolean | undefined, Record<string, unknown>, string[]>
/**
 * Any one field's metadata: `fields.x` from conform's `useForm`, or the same
 * properties from useServerValidatedForm (all that conform's get*Props read).
 */
type Meta = ConformMeta | ServerFieldMetadata

type InputType = Exclude<Parameters<typeof getInputProps>[1]['type'], 'checkbox' | 'radio' | 'hidden'>

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

/**
 * Whether an action's data reports a failed submission: a conform result
 * with errors (`{ result }` or the result itself), or an `error` message.
 * Used for the document title; knows nothing of any one form.
 */
export function hasFormError(actionData: unknown): boolean {
	if (typeof actionData !== 'object' || actionData === null) return false
	const value = actionData as { status?: unknown; result?: { status?: unknown } | null; error?: unknown }
	return value.status === 'error' || value.result?.status === 'error' || (typeof value.error === 'string' && value.error !== '')
}

/**
 * One claim per render of a page: the first field rendered with errors
 * takes `autoFocus`, the others do not (render order is document order).
 * The root provides a fresh claim for each server render; on the client,
 * autoFocus matters only when a field mounts.
 */
type FocusClaim = { owner?: string }
const FirstInvalidContext = createContext<FocusClaim | null>(null)

export function FirstInvalidField({ children }: { children: ReactNode }) {
	const [claim] = useState<FocusClaim>(() => ({}))
	return <FirstInvalidContext.Provider value={claim}>{children}</FirstInvalidContext.Provider>
}

function useAutoFocusIfFirstInvalid(meta: Meta): boolean {
	const claim = useContext(FirstInvalidContext)
	if (!claim || !meta.errors?.length) return false
	// By id, so that a second render of the same field keeps it.
	claim.owner ??= meta.id
	return claim.owner === meta.id
}

type FieldFrame = {
	label: ReactNode
	meta: Meta
	/** Shown under the control and read with it (aria-describedby). */
	hint?: ReactNode
	className?: string
}

/** conform's aria attributes: the errors' id while there are errors, then the hint's. */
function ariaOptions(meta: Meta, hint: ReactNode) {
	return { ariaDescribedBy: hint ? meta.descriptionId : undefined }
}

/** Label, the control, the hint and the errors: the markup every field shares. */
function FieldShell({ label, meta, hint, className, children }: FieldFrame & { children: ReactNode }) {
	return (
		<div className={['field', className].filter(Boolean).join(' ')}>
			<label htmlFor={meta.id}>{label}</label>
			{children}
			{hint ? (
				<p id={meta.descriptionId} className="hint">
					{hint}
				</p>
			) : null}
			<ErrorList id={meta.errorId} errors={meta.errors} />
		</div>
	)
}

export function Field({
	type,
	inputProps,
	...frame
}: FieldFrame & {
	type: InputType
	inputProps?: InputHTMLAttributes<HTMLInputElement> & { ref?: Ref<HTMLInputElement> }
}) {
	const { key, ...props } = getInputProps(frame.meta as ConformMeta, { type, ...ariaOptions(frame.meta, frame.hint) })
	const autoFocus = useAutoFocusIfFirstInvalid(frame.meta)
	return (
		<FieldShell {...frame}>
			<input key={key} {...props} autoFocus={autoFocus || undefined} {...inputProps} />
		</FieldShell>
	)
}

export function TextareaField({ textareaProps, ...frame }: FieldFrame & { textareaProps?: TextareaHTMLAttributes<HTMLTextAreaElement> }) {
	const { key, ...props } = getTextareaProps(frame.meta as ConformMeta, ariaOptions(frame.meta, frame.hint))
	const autoFocus = useAutoFocusIfFirstInvalid(frame.meta)
	return (
		<FieldShell {...frame}>
			<textarea key={key} {...props} autoFocus={autoFocus || undefined} {...textareaProps} />
		</FieldShell>
	)
}

export function SelectField({
	selectProps,
	children,
	...frame
}: FieldFrame & { selectProps?: SelectHTMLAttributes<HTMLSelectElement>; children: ReactNode }) {
	const { key, ...props } = getSelectProps(frame.meta as ConformMeta, ariaOptions(frame.meta, frame.hint))
	const autoFocus = useAutoFocusIfFirstInvalid(frame.meta)
	return (
		<FieldShell {...frame}>
			<select key={key} {...props} autoFocus={autoFocus || undefined} {...selectProps}>
				{children}
			</select>
		</FieldShell>
	)
}

export function CheckboxField({ label, meta }: { label: ReactNode; meta: Meta }) {
	const { key, ...props } = getInputProps(meta as ConformMeta, { type: 'checkbox' })
	const autoFocus = useAutoFocusIfFirstInvalid(meta)
	return (
		<div className="checkbox-field">
			<input key={key} {...props} autoFocus={autoFocus || undefined} />
			<label htmlFor={meta.id}>{label}</label>
		</div>
	)
}

/**
 * One choice among a few, as radio buttons in a fieldset named by its
 * legend; the errors are tied to each button (aria-invalid,
 * aria-describedby), as for the other fields.
 */
export function RadioGroupField({
	legend,
	meta,
	options,
}: {
	legend: ReactNode
	meta: Meta
	options: ReadonlyArray<{ value: string; label: ReactNode }>
}) {
	const autoFocus = useAutoFocusIfFirstInvalid(meta)
	const invalid = Boolean(meta.errors?.length)
	const initialValue = (meta as ServerFieldMetadata).initialValue
	return (
		<fieldset className="field radio-group">
			<legend>{legend}</legend>
			{options.map((option, index) => (
				<div key={option.value} className="checkbox-field">
					<input
						type="radio"
						id={`${meta.id}-${option.value}`}
						name={meta.name}
						value={option.value}
						form={meta.formId}
						defaultChecked={initialValue === option.value}
						required={meta.required}
						aria-invalid={invalid || undefined}
						aria-describedby={invalid ? meta.errorId : undefined}
						autoFocus={(autoFocus && index === 0) || undefined}
					/>
					<label htmlFor={`${meta.id}-${option.value}`}>{option.label}</label>
				</div>
			))}
			<ErrorList id={meta.errorId} errors={meta.errors} />
		</fieldset>
	)
}

/**
 * A new password and its confirmation (sign-up, reset, settings): the hint,
 * `autoComplete="new-password"` for password managers, the schema's lengths.
 */
export function NewPasswordFields({
	password,
	confirm,
	passwordLabel = 'New password',
}: {
	password: Meta
	confirm: Meta
	passwordLabel?: string
}) {
	return (
		<>
			<Field
				label={passwordLabel}
				meta={password}
				type="password"
				inputProps={{ autoComplete: 'new-password' }}
				hint="At least 8 characters."
			/>
			<Field label="Confirm password" meta={confirm} type="password" inputProps={{ autoComplete: 'new-password' }} />
		</>
	)
}

/**
 * A submit button that says it is working while its own form is submitting
 * (see useIsPending): the same action and, for a button with
 * `name="intent"`, the same intent (or pass `intent` for a form whose intent
 * is a hidden input).
 */
export function SubmitButton({
	children,
	pendingText,
	intent,
	...props
}: ButtonHTMLAttributes<HTMLButtonElement> & { pendingText?: string; intent?: string }) {
	const pending = useIsPending({
		formAction: props.formAction as string | undefined,
		intent: intent ?? (props.name === 'intent' && typeof props.value === 'string' ? props.value : undefined),
	})
	return (
		<button type="submit" {...props} aria-disabled={pending || undefined}>
			{pending && pendingText ? pendingText : children}
		</button>
	)
}
