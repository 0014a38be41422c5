/**
 * Structured JSON logging (pino) for both services. Anything that could carry
 * a credential is redacted by path, so a careless `log.info({ req })` still
 * leaves no cookie, token or password behind.
 *
 * Errors are scrubbed too: a failed database query (drizzle's
 * DrizzleQueryError, and Better Auth errors wrapping it) carries the query's
 * parameters in its message, stack and `params` — a session token when the
 * session lookup fails. Those values are replaced before anything is written.
 */
import { pino, type DestinationStream, type Logger } from 'pino'

export const REDACTED_PATHS = [
	'password',
	'currentPassword',
	'newPassword',
	'confirmPassword',
	'token',
	'jwt',
	'secret',
	'authorization',
	'cookie',
	'*.password',
	'*.currentPassword',
	'*.newPassword',
	'*.confirmPassword',
	'*.token',
	'*.jwt',
	'*.secret',
	'*.authorization',
	'*.cookie',
	'headers.authorization',
	'headers.cookie',
	'headers["set-cookie"]',
	'req.headers.authorization',
	'req.headers.cookie',
	'res.headers["set-cookie"]',
]

/** "…\nparams: a,b,c" as drizzle writes it, to the end of its line. */
const QUERY_PARAMS = /(^|\n)(\s*params:)[^\n]*/g

/** Removes query parameters from a log message or stack. */
export function scrubQueryParams(text: string): string {
	return text.replace(QUERY_PARAMS, '$1$2 [redacted]')
}

type Serialized = Record<string, unknown>

function scrubSerializedError(value: unknown, depth = 0): unknown {
	if (typeof value === 'string') return scrubQueryParams(value)
	if (depth > 8 || typeof value !== 'object' || value === null) return value
	const result: Serialized = {}
	for (const [key, field] of Object.entries(value as Serialized)) {
		result[key] = key === 'params' || key === 'parameters' ? '[redacted]' : scrubSerializedError(field, depth + 1)
	}
	return result
}

/** pino's error serializer, then query parameters scrubbed (causes included). */
export function serializeError(error: unknown): unknown {
	if (!(error instanceof Error)) return scrubSerializedError(error)
	return scrubSerializedError(pino.stdSerializers.errWithCause(error))
}

export function createLogger(service: string, level = process.env.LOG_LEVEL ?? 'info', destination?: DestinationStream): Logger {
	const options = {
		name: service,
		level,
		base: { service },
		redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
		serializers: { err: serializeError },
		hooks: {
			// Messages too: libraries log error texts as plain strings.
			logMethod(args: unknown[], method: (...args: unknown[]) => void) {
				method.apply(
					this,
					args.map((arg) => (typeof arg === 'string' ? scrubQueryParams(arg) : arg)),
				)
			},
		},
		timestamp: pino.stdTimeFunctions.isoTime,
	}
	return destination ? pino(options, destination) : pino(options)
}

export type { Logger }
