/**
 * The HTML constraints of a form (required, minLength, maxLength, pattern…)
 * read from the zod schema the action validates with, for conform's
 * `useForm({ constraint })`: `getInputProps()` then renders them, so no
 * length is written twice. Shared by the browser and the server; no server
 * imports here.
 */
import { getZodConstraint } from '@conform-to/zod/v4'
import { z } from 'zod'

type Constraints = ReturnType<typeof getZodConstraint>

/**
 * `getZodConstraint(schema)`, plus the string lengths it misses: conform
 * 1.21 reads them from zod's internal `_zod.bag`, which zod 4.6 no longer
 * fills for length checks, so they come from zod's own JSON Schema of the
 * form's input instead (which also sees the first half of a `.pipe()`, e.g.
 * the email's length before its format check).
 */
export function getFormConstraint(schema: z.ZodType): Constraints {
	const constraints: Constraints = { ...getZodConstraint(schema) }
	const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' })
	for (const [name, property] of Object.entries(json.properties ?? {})) {
		if (typeof property !== 'object') continue
		const lengths = {
			...(property.minLength !== undefined ? { minLength: property.minLength } : {}),
			...(property.maxLength !== undefined ? { maxLength: property.maxLength } : {}),
		}
		constraints[name] = { required: false, ...constraints[name], ...lengths }
	}
	return constraints
}
