/**
 * Every URL the app answers. Route modules own their loader, action and UI.
 */
import { type RouteConfig, index, route } from '@react-router/dev/routes'

export default [
	index('routes/home.tsx'),
	route('signup', 'routes/signup.tsx'),
	route('login', 'routes/login.tsx'),
	route('logout', 'routes/logout.tsx'),
	route('tasks', 'routes/tasks.tsx'),
	// Better Auth's HTTP endpoints (the JWKS for the task API, mainly).
	route('api/auth/*', 'routes/api.auth.$.ts'),
] satisfies RouteConfig
