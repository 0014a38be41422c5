/**
 * The one hook a page's form calls: `useZodForm(schema, { id, lastResult,
 * constraint })` gives the form's props (for React Router's <Form>) and each
 * field's metadata (for the kit in app/components/forms.tsx), validated in
 * the browser with the action's own zod schema as conform's
 * `useForm({ shouldValidate: 'onBlur', shouldRevalidate: 'onInput',
 * onValidate: parseWithZod })` does (use-browser-validated-form.ts), and
 * showing the action's `submission.reply()` (`lastResult`) otherwise.
 *
 * `schema` is the action's schema itself, or, on a page with a JavaScript
 * budget (/login, /signup, /settings: scripts/bundle-size.mjs), a function
 * that imports it: `() => import('./+shared/schemas.ts').then((m) =>
 * m.SignupSchema)`, loaded when the form is first focused. The page's HTML
 * constraints are plain data either way (a FORM_CONSTRAINTS entry, or
 * `getFormConstraint(Schema)` where the page ships the schema anyway), so
 * this module loads neither zod nor conform's form runtime.
 */
import type { z } from 'zod'
import type { ValidationSchema } from '#app/lib/forms/validation.ts'
import { useBrowserValidatedForm } from '#app/lib/forms/use-browser-validated-form.ts'

type Options<Name extends string> = Omit<Parameters<typeof useBrowserValidatedForm<Name>>[0], 'schema'>
type ZodForm<Name extends string> = ReturnType<typeof useBrowserValidatedForm<Name>>

/** The fields of a schema (of each, for a union of schemas). */
type FieldsOf<Schema> = Schema extends z.ZodType ? Extract<keyof z.input<Schema>, string> : never

/** The action's schema, or a function that imports it (a schema, or one per submission). */
export type ZodFormSchema = z.ZodType | (() => Promise<ValidationSchema>)

/** With the schema itself: its fields are the form's (the constraint is `getFormConstraint(schema)`). */
export function useZodForm<Schema extends z.ZodType>(schema: Schema, options: Options<string>): ZodForm<FieldsOf<Schema>>
/** With a function that imports the schema: the fields are the constraint's. */
export function useZodForm<Name extends string>(schema: () => Promise<ValidationSchema>, options: Options<Name>): ZodForm<Name>
export function useZodForm(schema: ZodFormSchema, options: Options<string>) {
	return useBrowserValidatedForm({
		...options,
		schema: typeof schema === 'function' ? schema : () => Promise.resolve(schema),
	})
}
