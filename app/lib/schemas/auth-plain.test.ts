import { describe, expect, test } from 'vitest'
import { getFormConstraint } from '#app/lib/forms/constraint.ts'
import { ChangePasswordSchema, DeleteAccountSchema, UpdateNameSchema } from './account.ts'
import { LoginSchema, SignupSchema } from './auth.ts'
import { FORM_CONSTRAINTS } from './auth-plain.ts'
import { ChangeEmailSchema, ChangeEmailWithCodeSchema, MagicLinkRequestSchema } from './sign-in-methods.ts'
import { DisableTwoFactorSchema, EnableTwoFactorSchema, RegenerateBackupCodesSchema, VerifyTwoFactorSetupSchema } from './two-factor.ts'

describe('the browser side of the sign-in and account schemas (no zod)', () => {
	test.each([
		['login', LoginSchema],
		['signup', SignupSchema],
		['updateName', UpdateNameSchema],
		['changeEmail', ChangeEmailSchema],
		['changeEmailWithCode', ChangeEmailWithCodeSchema],
		['changePassword', ChangePasswordSchema],
		['deleteAccount', DeleteAccountSchema],
		['twoFactorEnable', EnableTwoFactorSchema],
		['twoFactorVerify', VerifyTwoFactorSetupSchema],
		['twoFactorRegenerate', RegenerateBackupCodesSchema],
		['twoFactorDisable', DisableTwoFactorSchema],
	] as const)('the %s form constraints are the ones its schema gives', (form, schema) => {
		expect(FORM_CONSTRAINTS[form]).toEqual(getFormConstraint(schema))
	})

	test("the login form's other button (an emailed link) needs no field the form lacks", () => {
		const { intent: _intent, ...magicLink } = getFormConstraint(MagicLinkRequestSchema)
		for (const [name, constraint] of Object.entries(magicLink)) expect(FORM_CONSTRAINTS.login).toMatchObject({ [name]: constraint })
	})
})
