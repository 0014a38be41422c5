/**
 * What both services read from the same variables when nothing is set (a
 * fresh clone): app/lib/env.server.ts and server/env.ts must agree on these,
 * or the task API would look for the app on another port, trust another
 * issuer or audience, or keep its data elsewhere.
 */
export const SHARED_ENV_DEFAULTS = {
	PORT: 3000,
	BETTER_AUTH_URL: 'http://localhost:3000',
	DATA_DIR: '.data',
	TASKS_API_AUDIENCE: 'taskwell-tasks-api',
}
