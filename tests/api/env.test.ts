import { describe, expect, test } from 'vitest'
import path from 'node:path'
import { EnvError } from '#common/env.ts'
import { SHARED_ENV_DEFAULTS } from '#tests/support/shared-env-defaults.ts'
import { readTasksApiEnv } from '#server/env.ts'

describe('task API environment', () => {
	test('defaults: port 3001 on 127.0.0.1, the app’s key set on loopback, issuer = BETTER_AUTH_URL', () => {
		const env = readTasksApiEnv({})
		expect(env).toMatchObject({
			...SHARED_ENV_DEFAULTS,
			TASKS_API_PORT: 3001,
			TASKS_API_HOST: '127.0.0.1',
			AUTH_ISSUER: 'http://localhost:3000',
			AUTH_JWKS_URL: 'http://127.0.0.1:3000/api/auth/jwks',
			AUTH_JWKS_COOLDOWN_MS: 1_000,
			LOG_LEVEL: 'info',
			TASKS_MIGRATIONS_DIR: path.resolve('drizzle/tasks'),
			TASKS_MAX_PER_USER: 10_000,
			TASKS_CREATES_PER_MINUTE: 60,
		})
	})

	test('the per-account limits are configurable', () => {
		expect(readTasksApiEnv({ TASKS_MAX_PER_USER: '500', TASKS_CREATES_PER_MINUTE: '10' })).toMatchObject({
			TASKS_MAX_PER_USER: 500,
			TASKS_CREATES_PER_MINUTE: 10,
		})
	})

	test('only PORT and TASKS_API_PORT changed: the defaults follow PORT', () => {
		const env = readTasksApiEnv({ PORT: '4000', TASKS_API_PORT: '4001' })
		expect(env).toMatchObject({
			TASKS_API_PORT: 4001,
			BETTER_AUTH_URL: 'http://localhost:4000',
			AUTH_ISSUER: 'http://localhost:4000',
			AUTH_JWKS_URL: 'http://127.0.0.1:4000/api/auth/jwks',
		})
	})

	test('explicit values win; blank counts as unset; trailing slashes go', () => {
		const env = readTasksApiEnv({
			BETTER_AUTH_URL: 'https://tasks.example.com/',
			AUTH_JWKS_URL: 'https://tasks.example.com/api/auth/jwks',
			TASKS_API_AUDIENCE: 'aud',
			TASKS_API_HOST: '0.0.0.0',
			DATABASE_URL: 'postgres://u:p@db:5432/taskwell',
			DATA_DIR: '',
			LOG_LEVEL: 'warn',
		})
		expect(env).toMatchObject({
			BETTER_AUTH_URL: 'https://tasks.example.com',
			AUTH_ISSUER: 'https://tasks.example.com',
			AUTH_JWKS_URL: 'https://tasks.example.com/api/auth/jwks',
			TASKS_API_AUDIENCE: 'aud',
			TASKS_API_HOST: '0.0.0.0',
			DATABASE_URL: 'postgres://u:p@db:5432/taskwell',
			DATA_DIR: '.data',
			LOG_LEVEL: 'warn',
		})
		expect(readTasksApiEnv({ BETTER_AUTH_URL: 'https://a.example', AUTH_ISSUER: 'issuer-x' }).AUTH_ISSUER).toBe('issuer-x')
	})

	test.each([
		['TASKS_API_PORT', 'abc'],
		['TASKS_API_PORT', '70000'],
		['PORT', '0'],
		['BETTER_AUTH_URL', 'not a url'],
		['AUTH_JWKS_URL', 'ftp://example.com/jwks'],
		['AUTH_JWKS_URL', 'http://app.internal:3000/api/auth/jwks'],
		['DATABASE_URL', 'mysql://localhost/x'],
		['DATABASE_POOLER', 'pgpool'],
		['LOG_LEVEL', 'loud'],
		['AUTH_JWKS_COOLDOWN_MS', '-5'],
		['AUTH_JWKS_COOLDOWN_MS', '30000'],
		['TASKS_MAX_PER_USER', '0'],
		['TASKS_MAX_PER_USER', 'lots'],
		['TASKS_CREATES_PER_MINUTE', '1.5'],
	])('%s=%s is refused with an EnvError naming the variable (not its value)', (name, value) => {
		let error: unknown
		try {
			readTasksApiEnv({ [name]: value })
		} catch (caught) {
			error = caught
		}
		expect(error).toBeInstanceOf(EnvError)
		expect((error as Error).message).toContain(name)
		expect((error as Error).message).toContain('Taskwell task API cannot start')
		if (name === 'DATABASE_URL') expect((error as Error).message).not.toContain(value)
	})
})
