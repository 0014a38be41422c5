/**
 * The HTML constraints of a form (required, minLength, maxLength, pattern…)
 * read from the zod schema the action validates with, for conform's
 * `useForm({ constraint })`: `getInputProps()` then renders them, so no
 * length is written twice. Shared by the browser and the server; no server
 * imports here.
 */
import { getZodConstraint } from '@conform-to/zod/v4'
import type { z } from 'zod'

type Constraints = ReturnType<typeof getZodConstraint>

type Def = {
	type?: string
	innerType?: unknown
	in?: unknown
	out?: unknown
	shape?: Record<string, unknown>
	checks?: Array<{ _zod?: { def?: { check?: string; minimum?: number; maximum?: number; length?: number } } }>
}

const defOf = (schema: unknown): Def => ((schema as { _zod?: { def?: Def } })?._zod?.def ?? {}) as Def

/** Wrappers that do not change what the field takes: look inside. */
const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'catch', 'readonly', 'nonoptional'])

/** The lengths the field's input must have: the first half of a pipe (or its second, after a transform). */
function inputLengths(schema: unknown, depth = 0): { minLength?: number; maxLength?: number } {
	const def = defOf(schema)
	if (depth > 16) return {}
	if (def.type && WRAPPERS.has(def.type)) return inputLengths(def.innerType, depth + 1)
	if (def.type === 'pipe') return inputLengths(defOf(def.in).type === 'transform' ? def.out : def.in, depth + 1)
	if (def.type !== 'string') return {}
	const lengths: { minLength?: number; maxLength?: number } = {}
	for (const check of def.checks ?? []) {
		const { check: kind, minimum, maximum, length } = check._zod?.def ?? {}
		if (kind === 'min_length' && minimum !== undefined) lengths.minLength = Math.max(lengths.minLength ?? 0, minimum)
		if (kind === 'max_length' && maximum !== undefined) lengths.maxLength = Math.min(lengths.maxLength ?? Infinity, maximum)
		if (kind === 'length_equals' && length !== undefined) lengths.minLength = lengths.maxLength = length
	}
	return lengths
}

/**
 * `getZodConstraint(schema)`, plus the string lengths it misses: conform
 * 1.21 reads them from zod's internal `_zod.bag`, which zod 4.6 no longer
 * fills for length checks, so they are read from the schema's checks here
 * (through the first half of a `.pipe()`, e.g. the email's length before its
 * format check). Not zod's toJSONSchema: that would ship its whole JSON
 * Schema generator to the browser for two numbers per field.
 */
export function getFormConstraint(schema: z.ZodType): Constraints {
	const constraints: Constraints = { ...getZodConstraint(schema) }
	const shape = defOf(schema).shape ?? {}
	for (const [name, field] of Object.entries(shape)) {
		const lengths = inputLengths(field)
		if (lengths.minLength === undefined && lengths.maxLength === undefined) continue
		constraints[name] = { required: false, ...constraints[name], ...lengths }
	}
	return constraints
}
