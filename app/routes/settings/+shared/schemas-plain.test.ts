import { describe, expect, test } from 'vitest'
import { getFormConstraint } from '#app/lib/forms/constraint.ts'
import {
	ChangeEmailSchema,
	ChangeEmailWithCodeSchema,
	ChangePasswordSchema,
	CreateAccessTokenSchema,
	DeleteAccountSchema,
	DisableTwoFactorSchema,
	EnableTwoFactorSchema,
	RegenerateBackupCodesSchema,
	UpdateNameSchema,
	VerifyTwoFactorSetupSchema,
} from './schemas.ts'
import { FORM_CONSTRAINTS } from './schemas-plain.ts'

describe('the browser side of the Settings schemas (no zod)', () => {
	test.each([
		['updateName', UpdateNameSchema],
		['changeEmail', ChangeEmailSchema],
		['changeEmailWithCode', ChangeEmailWithCodeSchema],
		['changePassword', ChangePasswordSchema],
		['deleteAccount', DeleteAccountSchema],
		['twoFactorEnable', EnableTwoFactorSchema],
		['twoFactorVerify', VerifyTwoFactorSetupSchema],
		['twoFactorRegenerate', RegenerateBackupCodesSchema],
		['twoFactorDisable', DisableTwoFactorSchema],
		['createAccessToken', CreateAccessTokenSchema],
	] as const)('the %s form constraints are the ones its schema gives', (form, schema) => {
		expect(FORM_CONSTRAINTS[form]).toEqual(getFormConstraint(schema))
	})
})
