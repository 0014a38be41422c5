/**
 * The app as route tests drive it, for a test file that sets its
 * environment first (tests/support/test-env.ts): the app reads it once, when
 * its modules load, so the file loads this module with `await import()`
 * after setEnvForThisFile, never with a static import. Loading it loads the
 * app: the route helpers (routes.ts), the database (closed at the end of the
 * file, before fresh-database.ts drops it), its tables, Better Auth, the
 * mailer and the route modules the tests post to.
 */
import { database } from '#app/lib/db.server.ts'
import { onTestDatabaseTeardown } from './fresh-database.ts'

export * from './routes.ts'
export { database, db } from '#app/lib/db.server.ts'
export * as tables from '#app/lib/db/schema.ts'
export { auth } from '#app/lib/auth/better-auth.server.ts'
export { flushMail } from '#app/lib/mail.server.ts'
export * as signupRoute from '#app/routes/auth/signup.tsx'
export * as loginRoute from '#app/routes/auth/login.tsx'
export * as linkRoute from '#app/routes/auth/login.link.tsx'
export * as twoFactorRoute from '#app/routes/auth/login.two-factor.tsx'
export * as forgotRoute from '#app/routes/auth/forgot-password.tsx'
export * as resetRoute from '#app/routes/auth/reset-password.tsx'
export * as changeEmailRoute from '#app/routes/auth/change-email.tsx'
export * as logoutRoute from '#app/routes/logout.tsx'
export * as settingsRoute from '#app/routes/settings/index.tsx'
export * as outboxRoute from '#app/routes/dev.outbox.tsx'

onTestDatabaseTeardown(() => database.close())
