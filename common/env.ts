/**
 * Helpers shared by both services' env schemas: read the environment once,
 * validate it with zod, and stop with a message that names each bad variable.
 */
import { z } from 'zod'

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1'])

/** True when the URL points at this machine (the app is running locally). */
export function isLoopbackUrl(url: string): boolean {
	try {
		const { hostname } = new URL(url)
		return LOOPBACK_HOSTS.has(hostname) || hostname.endsWith('.localhost')
	} catch {
		return false
	}
}

export class EnvError extends Error {
	override name = 'EnvError'
}

/**
 * Parses `source` with `schema`; on failure throws an EnvError listing every
 * offending variable by name (never its value: it may be a secret).
 */
export function parseEnv<TSchema extends z.ZodType>(
	schema: TSchema,
	source: Record<string, string | undefined>,
	serviceName: string,
): z.output<TSchema> {
	const result = schema.safeParse(source)
	if (result.success) return result.data
	const lines = result.error.issues.map((issue) => {
		const variable = issue.path.length > 0 ? issue.path.join('.') : '(environment)'
		return `  - ${variable}: ${issue.message}`
	})
	throw new EnvError(`${serviceName} cannot start: invalid environment configuration.\n${lines.join('\n')}`)
}

/** Empty strings count as unset, as in most .env tooling. */
export function blankToUndefined(value: unknown): unknown {
	return typeof value === 'string' && value.trim() === '' ? undefined : value
}

/** zod building blocks both services' env schemas use. */
export const envFields = {
	/** A variable with a default: blank counts as unset. */
	withDefault: <T extends z.ZodType>(schema: T) => z.preprocess(blankToUndefined, schema),
	/** An optional variable: blank counts as unset. */
	optional: <T extends z.ZodType>(schema: T) => z.preprocess(blankToUndefined, schema.optional()),
	port: z.coerce
		.number({ error: 'must be a port number' })
		.int('must be a whole number')
		.min(1, 'must be between 1 and 65535')
		.max(65535, 'must be between 1 and 65535'),
	/** An http(s) URL without trailing slashes. */
	httpUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).transform((value) => value.replace(/\/+$/, '')),
	postgresUrl: z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// URL' }),
	/** DATABASE_POOLER: what sits between a service and Postgres (common/database.ts, `Pooler`). */
	databasePooler: z.enum(['none', 'pgbouncer'], { error: 'must be none or pgbouncer' }),
	booleanFlag: z
		.enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' })
		.transform((value) => value === 'true' || value === '1' || value === 'yes'),
	logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
}

/**
 * The variables that say which database a service uses, the same in both
 * services' schemas (app/lib/env.server.ts, server/env.ts): DATABASE_URL
 * (unset: the embedded database under DATA_DIR) and DATABASE_POOLER.
 */
export const databaseEnvShape = {
	DATABASE_URL: envFields.optional(envFields.postgresUrl),
	/** `pgbouncer` when DATABASE_URL is PgBouncer in transaction mode; unset: detected (port 6432), common/database.ts. */
	DATABASE_POOLER: envFields.optional(envFields.databasePooler),
	DATA_DIR: envFields.withDefault(z.string().default('.data')),
}

export type DatabaseEnv = z.output<z.ZodObject<typeof databaseEnvShape>>

/**
 * Only the database variables, for a command that touches nothing else
 * (`npm run cleanup`): it runs with just these set, while each service
 * itself still checks its whole environment at start.
 */
export function readDatabaseEnv(source: Record<string, string | undefined> = process.env, serviceName = 'Taskwell'): DatabaseEnv {
	return parseEnv(z.object(databaseEnvShape), source, serviceName)
}
