/**
 * The form state of one settings form, named by its intent: its schema
 * (imported when the form is first used, so /settings keeps its JavaScript
 * budget) and its HTML constraints (in the first render) come from one
 * table, so a section only says which form it is.
 */
import type { SubmissionResult } from '@conform-to/react'
import { FORM_CONSTRAINTS } from './schemas-plain.ts'
import type * as Schemas from './schemas.ts'
import { useZodForm } from '#app/lib/forms/use-zod-form.ts'

type SchemaName = {
	[Name in keyof typeof Schemas]: (typeof Schemas)[Name] extends { safeParse: unknown } ? Name : never
}[keyof typeof Schemas]

const SETTINGS_FORMS = {
	'update-name': { schema: 'UpdateNameSchema', constraint: FORM_CONSTRAINTS.updateName },
	'change-password': { schema: 'ChangePasswordSchema', constraint: FORM_CONSTRAINTS.changePassword },
	'delete-account': { schema: 'DeleteAccountSchema', constraint: FORM_CONSTRAINTS.deleteAccount },
	'two-factor-enable': { schema: 'EnableTwoFactorSchema', constraint: FORM_CONSTRAINTS.twoFactorEnable },
	'two-factor-verify': { schema: 'VerifyTwoFactorSetupSchema', constraint: FORM_CONSTRAINTS.twoFactorVerify },
	'two-factor-regenerate': { schema: 'RegenerateBackupCodesSchema', constraint: FORM_CONSTRAINTS.twoFactorRegenerate },
	'two-factor-disable': { schema: 'DisableTwoFactorSchema', constraint: FORM_CONSTRAINTS.twoFactorDisable },
	'create-access-token': { schema: 'CreateAccessTokenSchema', constraint: FORM_CONSTRAINTS.createAccessToken },
} as const satisfies Record<string, { schema: SchemaName; constraint: object }>

export type SettingsFormIntent = keyof typeof SETTINGS_FORMS
/** The form's fields (of each form, for a union of intents). */
type FieldOf<Intent extends SettingsFormIntent> = Intent extends SettingsFormIntent
	? Extract<keyof (typeof SETTINGS_FORMS)[Intent]['constraint'], string>
	: never

export function useSettingsForm<Intent extends SettingsFormIntent>(
	intent: Intent,
	lastResult: SubmissionResult<string[]> | null | undefined,
	defaultValue?: Partial<Record<FieldOf<Intent>, string>>,
) {
	const { schema, constraint } = SETTINGS_FORMS[intent]
	return useZodForm<FieldOf<Intent>>(() => import('./schemas.ts').then((schemas) => schemas[schema]), {
		id: intent,
		lastResult,
		constraint: constraint as Record<FieldOf<Intent>, object>,
		defaultValue,
	})
}
