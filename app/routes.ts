/**
 * Every URL the app answers. Route modules own their loader, action and UI.
 */
import { type RouteConfig, index, layout, route } from '@react-router/dev/routes'

export default [
	index('routes/home.tsx'),
	// Signed-in pages: the layout's middleware requires a session (else
	// /login?redirectTo=…) and hands loaders and actions the user and a task
	// API client through the router context.
	layout('routes/_signed-in.tsx', [
		route('tasks', 'routes/tasks/index.tsx'),
		route('tasks/:id', 'routes/tasks/$id.tsx'),
		route('tasks/:id/delete', 'routes/tasks/$id.delete.tsx'),
		route('settings', 'routes/settings/index.tsx'),
		// Signing a command line in (`taskwell login`, RFC 8628's verification page).
		route('device', 'routes/device.tsx'),
		route('workspaces/new', 'routes/workspaces/new.tsx'),
		// A workspace's pages: the workspace is in the URL (no "active
		// workspace" on the session). Its task pages are the personal list's
		// route modules, with a task API client scoped to the workspace.
		route('w/:slug', 'routes/workspaces/layout.tsx', [
			index('routes/workspaces/index.ts'),
			route('tasks', 'routes/tasks/index.tsx', { id: 'workspace-tasks' }),
			route('tasks/:id', 'routes/tasks/$id.tsx', { id: 'workspace-task' }),
			route('tasks/:id/delete', 'routes/tasks/$id.delete.tsx', { id: 'workspace-task-delete' }),
			route('members', 'routes/workspaces/members.tsx'),
			route('activity', 'routes/workspaces/activity.tsx'),
		]),
	]),
	// Administration: the ordinary 404 for anyone but an admin signed in as
	// themselves (routes/admin/+shared/admin-gate.server.ts).
	route('admin', 'routes/admin/layout.tsx', [
		index('routes/admin/users.tsx'),
		route('users/:id', 'routes/admin/user.tsx'),
		route('audit', 'routes/admin/audit.tsx'),
	]),
	// The acting banner's "Stop acting" (an admin acting as a user).
	route('stop-acting', 'routes/stop-acting.ts'),
	// An emailed invitation: signed in or not (it offers both).
	route('invitations/:id', 'routes/invitations/$id.tsx'),
	// Signing in, signing up and the emailed links (app/routes/auth/).
	route('signup', 'routes/auth/signup.tsx'),
	route('login', 'routes/auth/login.tsx'),
	route('login/link', 'routes/auth/login.link.tsx'),
	route('change-email', 'routes/auth/change-email.tsx'),
	route('login/two-factor', 'routes/auth/login.two-factor.tsx'),
	route('logout', 'routes/logout.tsx'),
	route('forgot-password', 'routes/auth/forgot-password.tsx'),
	route('reset-password', 'routes/auth/reset-password.tsx'),
	route('verify-email', 'routes/auth/verify-email.tsx'),
	route('dev/outbox', 'routes/dev.outbox.tsx'),
	// For programs (scripts, the command line): personal access tokens and
	// device sign-in exchanged for task API JWTs (app/lib/access-tokens/).
	route('api/tokens/config', 'routes/api/tokens/config.ts'),
	route('api/tokens/exchange', 'routes/api/tokens/exchange.ts'),
	route('api/tokens/device-code', 'routes/api/tokens/device-code.ts'),
	route('api/tokens/device', 'routes/api/tokens/device.ts'),
	route('api/tokens/revoke', 'routes/api/tokens/revoke.ts'),
	// Better Auth's HTTP endpoints (the JWKS for the task API, mainly).
	route('api/auth/*', 'routes/api.auth.$.ts'),
	// For load balancers: alive, and ready to serve (database, signing key).
	route('healthz', 'routes/healthz.ts'),
	route('readyz', 'routes/readyz.ts'),
	// Anything else: a 404 page that keeps the header (signed in or not).
	route('*', 'routes/not-found.tsx'),
] satisfies RouteConfig
