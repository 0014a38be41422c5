/** Schemas of the passkey forms in Settings (rename, delete). No server imports here. */
import { z } from '#app/lib/forms/zod.ts'

export { PASSKEY_INTENTS, type PasskeyIntent } from './auth-plain.ts'

export const RenamePasskeySchema = z.object({
	id: z.string().min(1).max(64),
	name: z.string({ error: 'Give the passkey a name' }).trim().min(1, 'Give the passkey a name').max(64, 'At most 64 characters'),
})

export const DeletePasskeySchema = z.object({ id: z.string().min(1).max(64) })
