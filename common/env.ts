/**
 * Helpers shared by both services' env schemas: read the environment once,
 * validate it with zod, and stop with a message that names each bad variable.
 */
import type { z } from 'zod'

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
	throw new EnvError(
		`${serviceName} cannot start: invalid environment configuration.\n${lines.join('\n')}`,
	)
}

/** Empty strings count as unset, as in most .env tooling. */
export function blankToUndefined(value: unknown): unknown {
	return typeof value === 'string' && value.trim() === '' ? undefined : value
}
