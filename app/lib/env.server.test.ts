import { describe, expect, test } from 'vitest'
import { EnvError } from '#common/env.ts'
import { SHARED_ENV_DEFAULTS } from '#tests/support/shared-env-defaults.ts'
import { readAppEnv } from './env.server.ts'

describe('app environment', () => {
	test('a fresh clone needs nothing: local defaults', () => {
		const env = readAppEnv({})
		expect(env).toMatchObject({
			...SHARED_ENV_DEFAULTS,
			TASKS_API_URL: 'http://127.0.0.1:3001',
			TRUST_PROXY: false,
			isDeployed: false,
			isHttps: false,
		})
		expect(env.DATABASE_URL).toBeUndefined()
	})

	test('BETTER_AUTH_URL defaults to the port in use', () => {
		expect(readAppEnv({ PORT: '4000' }).BETTER_AUTH_URL).toBe('http://localhost:4000')
	})

	test.each(['http://localhost:3000', 'http://127.0.0.1:8080', 'http://[::1]:3000'])('%s is local: no secret required', (url) => {
		expect(readAppEnv({ BETTER_AUTH_URL: url }).isDeployed).toBe(false)
	})

	test('deployed without a secret refuses to start, naming the variable', () => {
		expect(() => readAppEnv({ BETTER_AUTH_URL: 'https://tasks.example.com' })).toThrowError(/BETTER_AUTH_SECRET: is required/)
	})

	test('deployed with a short secret refuses to start', () => {
		expect(() => readAppEnv({ BETTER_AUTH_URL: 'https://tasks.example.com', BETTER_AUTH_SECRET: 'short' })).toThrowError(
			/BETTER_AUTH_SECRET: must be at least 32 characters/,
		)
	})

	test('deployed with a proper secret is https and deployed', () => {
		const env = readAppEnv({
			BETTER_AUTH_URL: 'https://tasks.example.com/',
			BETTER_AUTH_SECRET: 's'.repeat(32),
			SMTP_URL: 'smtps://mailer:pw@smtp.example.com:465',
		})
		expect(env).toMatchObject({ isDeployed: true, isHttps: true, appOrigin: 'https://tasks.example.com' })
	})

	test.each([
		[{ PORT: 'eighty' }, 'PORT'],
		[{ PORT: '70000' }, 'PORT'],
		[{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
		[{ DATABASE_POOLER: 'pgpool' }, 'DATABASE_POOLER'],
		[{ BETTER_AUTH_URL: 'ftp://x' }, 'BETTER_AUTH_URL'],
		[{ TRUST_PROXY: 'maybe' }, 'TRUST_PROXY'],
	])('%j is rejected with a message naming %s and never its value', (source, variable) => {
		let error: unknown
		try {
			readAppEnv(source)
		} catch (caught) {
			error = caught
		}
		expect(error).toBeInstanceOf(EnvError)
		expect((error as Error).message).toContain(`${variable}:`)
		expect((error as Error).message).not.toContain(Object.values(source)[0])
	})

	test('sign-in providers: all of a provider’s variables or none; deployed, https callbacks and issuer', () => {
		expect(() => readAppEnv({ OIDC_ISSUER: 'http://127.0.0.1:9000', OIDC_CLIENT_ID: 'x' })).toThrowError(
			/OIDC_CLIENT_SECRET: is required with OIDC_ISSUER and OIDC_CLIENT_ID/,
		)
		expect(readAppEnv({ GOOGLE_CLIENT_ID: 'x', GOOGLE_CLIENT_SECRET: 'y' }).OIDC_PROVIDER_NAME).toBe('SSO')
		const deployed = { BETTER_AUTH_SECRET: 'x'.repeat(32), SMTP_URL: 'smtp://mail.example.com:587' }
		expect(() =>
			readAppEnv({ ...deployed, BETTER_AUTH_URL: 'http://tasks.example.com', GITHUB_CLIENT_ID: 'x', GITHUB_CLIENT_SECRET: 'y' }),
		).toThrowError(/BETTER_AUTH_URL: must be an https:\/\/ URL when a sign-in provider is configured/)
		expect(() =>
			readAppEnv({
				...deployed,
				BETTER_AUTH_URL: 'https://tasks.example.com',
				OIDC_ISSUER: 'http://sso.example.com',
				OIDC_CLIENT_ID: 'x',
				OIDC_CLIENT_SECRET: 'y',
			}),
		).toThrowError(/OIDC_ISSUER: must be an https:\/\/ URL/)
		expect(
			readAppEnv({ ...deployed, BETTER_AUTH_URL: 'https://tasks.example.com', GITHUB_CLIENT_ID: 'x', GITHUB_CLIENT_SECRET: 'y' }).isHttps,
		).toBe(true)
	})
})
