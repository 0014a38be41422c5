import { describe, expect, test } from 'vitest'
import { getFormConstraint } from '#app/lib/forms/constraint.ts'
import { LoginSchema, MagicLinkRequestSchema, SignupSchema } from './schemas.ts'
import { FORM_CONSTRAINTS } from './schemas-plain.ts'

describe('the browser side of the sign-in schemas (no zod)', () => {
	test.each([
		['login', LoginSchema],
		['signup', SignupSchema],
	] as const)('the %s form constraints are the ones its schema gives', (form, schema) => {
		expect(FORM_CONSTRAINTS[form]).toEqual(getFormConstraint(schema))
	})

	test("the login form's other button (an emailed link) needs no field the form lacks", () => {
		const { intent: _intent, ...magicLink } = getFormConstraint(MagicLinkRequestSchema)
		for (const [name, constraint] of Object.entries(magicLink)) expect(FORM_CONSTRAINTS.login).toMatchObject({ [name]: constraint })
	})
})
