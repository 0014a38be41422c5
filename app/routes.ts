/**
 * Every URL the app answers. Route modules own their loader, action and UI.
 */
import { type RouteConfig, index, route } from '@react-router/dev/routes'

export default [
	index('routes/home.tsx'),
	route('signup', 'routes/signup.tsx'),
	route('login', 'routes/login.tsx'),
	route('logout', 'routes/logout.tsx'),
	route('tasks', 'routes/tasks/index.tsx'),
	route('tasks/:id', 'routes/tasks/$id.tsx'),
	route('tasks/:id/delete', 'routes/tasks/$id.delete.tsx'),
	route('forgot-password', 'routes/forgot-password.tsx'),
	route('reset-password', 'routes/reset-password.tsx'),
	route('verify-email', 'routes/verify-email.tsx'),
	route('settings', 'routes/settings.tsx'),
	route('dev/outbox', 'routes/dev.outbox.tsx'),
	// Better Auth's HTTP endpoints (the JWKS for the task API, mainly).
	route('api/auth/*', 'routes/api.auth.$.ts'),
	// For load balancers: alive, and ready to serve (database, signing key).
	route('healthz', 'routes/healthz.ts'),
	route('readyz', 'routes/readyz.ts'),
] satisfies RouteConfig
