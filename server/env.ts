/**
 * The task API's environment, read once and validated. A wrong value stops the
 * process with a message naming the variable (never its value).
 */
import path from 'node:path'
import { z } from 'zod'
import { databaseEnvShape, envFields, isLoopbackUrl, parseEnv } from '#common/env.ts'

const { withDefault, optional, port, httpUrl, logLevel } = envFields

/** A positive whole number (a limit). */
const count = z.coerce
	.number({ error: 'must be a whole number' })
	.int('must be a whole number')
	.min(1, 'must be at least 1')
	.max(1_000_000_000, 'must be at most 1000000000')

const envSchema = z
	.object({
		TASKS_API_PORT: withDefault(port.default(3001)),
		/** Listen address; 127.0.0.1 by default (set 0.0.0.0 or :: to expose it). */
		TASKS_API_HOST: withDefault(z.string().min(1).default('127.0.0.1')),
		/** The app's port: only used to derive the defaults below. */
		PORT: withDefault(port.default(3000)),
		BETTER_AUTH_URL: optional(httpUrl),
		AUTH_ISSUER: optional(z.string().min(1, 'must not be empty')),
		AUTH_JWKS_URL: optional(httpUrl),
		/**
		 * Minimum time between the starts of two key-set fetches. A token with
		 * an unknown kid waits at most this long (plus one fetch) for a fresh set.
		 */
		AUTH_JWKS_COOLDOWN_MS: withDefault(z.coerce.number({ error: 'must be a number' }).int().min(0).max(10_000).default(1_000)),
		TASKS_API_AUDIENCE: withDefault(z.string().min(1).default('taskwell-tasks-api')),
		/** DATABASE_URL, DATABASE_POOLER, DATA_DIR: as the app reads them (and `npm run cleanup`). */
		...databaseEnvShape,
		/** Where the SQL migrations live (relative to the working directory). */
		TASKS_MIGRATIONS_DIR: withDefault(z.string().default('drizzle/tasks')),
		LOG_LEVEL: withDefault(logLevel.default('info')),
		/** Most tasks one account may hold (a create beyond it is a 422). */
		TASKS_MAX_PER_USER: withDefault(count.default(10_000)),
		/** Most tasks one account may create per minute (beyond it: 429 with Retry-After). */
		TASKS_CREATES_PER_MINUTE: withDefault(count.default(60)),
		/** Most live tasks one workspace may hold (a create beyond it is a 422). */
		WORKSPACE_MAX_TASKS: withDefault(count.default(50_000)),
		/** Most members plus pending invitations of one workspace (beyond it: 422). */
		WORKSPACE_MAX_MEMBERS: withDefault(count.default(100)),
		/** Most workspaces one account may belong to when it creates another (beyond it: 422). */
		WORKSPACES_PER_ACCOUNT: withDefault(count.default(20)),
	})
	.transform((env) => {
		const betterAuthUrl = env.BETTER_AUTH_URL ?? `http://localhost:${env.PORT}`
		return {
			...env,
			BETTER_AUTH_URL: betterAuthUrl,
			AUTH_ISSUER: env.AUTH_ISSUER ?? betterAuthUrl,
			AUTH_JWKS_URL: env.AUTH_JWKS_URL ?? `http://127.0.0.1:${env.PORT}/api/auth/jwks`,
			TASKS_MIGRATIONS_DIR: path.resolve(env.TASKS_MIGRATIONS_DIR),
		}
	})
	.superRefine((env, ctx) => {
		// Keys fetched over plain http from another machine could be swapped in
		// transit: outside loopback the key set must come over https.
		if (env.AUTH_JWKS_URL.startsWith('http://') && !isLoopbackUrl(env.AUTH_JWKS_URL)) {
			ctx.addIssue({
				code: 'custom',
				path: ['AUTH_JWKS_URL'],
				message: 'must be an https:// URL unless it points at this machine (localhost, 127.0.0.1, [::1])',
			})
		}
	})

export type TasksApiEnv = z.output<typeof envSchema>

export function readTasksApiEnv(source: Record<string, string | undefined> = process.env): TasksApiEnv {
	return parseEnv(envSchema, source, 'Taskwell task API')
}
