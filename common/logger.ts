/**
 * Structured JSON logging (pino) for both services. Anything that could carry
 * a credential is redacted by path, so a careless `log.info({ req })` still
 * leaves no cookie, token or password behind.
 */
import { pino, type Logger } from 'pino'

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

export function createLogger(service: string, level = process.env.LOG_LEVEL ?? 'info'): Logger {
	return pino({
		name: service,
		level,
		base: { service },
		redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
		timestamp: pino.stdTimeFunctions.isoTime,
	})
}

export type { Logger }
