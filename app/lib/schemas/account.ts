/**
 * MOVED (issue 23): the Settings forms' schemas are in
 * app/routes/settings/+shared/schemas.ts, the sign-in pages' in
 * app/routes/auth/+shared/schemas.ts. This file only keeps the old path
 * working for form-constraint.test.ts (app/lib rooms change) until the
 * merge points it at the new paths; then delete it.
 */
export { ResendVerificationSchema } from '#app/routes/auth/+shared/schemas.ts'
export { ChangePasswordSchema, DeleteAccountSchema } from '#app/routes/settings/+shared/schemas.ts'
