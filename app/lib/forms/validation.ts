/**
 * Validation in the browser with the action's own zod schema, through
 * conform's parseWithZod (the same parse and coercion as on the server, so
 * the same messages). Imported on demand by use-browser-validated-form.ts:
 * with zod and the schemas it is the part of a form page's JavaScript that
 * waits until a form is first used.
 */
import { parseWithZod } from '@conform-to/zod/v4'
import type { z } from 'zod'

/** A schema, or one per submission (e.g. by the submit button's intent). */
export type ValidationSchema = z.ZodType | ((formData: FormData) => z.ZodType)

/** Errors by field name ('' for the form), as conform's `submission.error`. */
export type ValidationErrors = Record<string, string[] | null | undefined>

export function validateForm(formData: FormData, schema: ValidationSchema): ValidationErrors {
	const submission = parseWithZod(formData, { schema: typeof schema === 'function' ? schema(formData) : schema })
	return submission.status === 'error' ? (submission.error ?? {}) : {}
}
