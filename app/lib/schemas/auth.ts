/**
 * MOVED (issue 23): the shared account fields are in
 * app/lib/auth/account-fields.ts, the sign-in forms' schemas in
 * app/routes/auth/+shared/schemas.ts. This file only keeps the old path
 * working for the modules of the app/lib rooms change that import it
 * (auth.server.ts, password-strength.server.ts, form-constraint.test.ts)
 * until the merge points them at the new paths; then delete it.
 */
export { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, passwordNameProblem } from '#app/lib/auth/account-fields.ts'
export { LoginSchema, SignupSchema } from '#app/routes/auth/+shared/schemas.ts'
