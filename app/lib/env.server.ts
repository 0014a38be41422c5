/**
 * The app's environment, read once and validated. A wrong or missing value
 * stops the server with a message naming the variable (never its value).
 */
import { z } from 'zod'
import { blankToUndefined, databaseEnvShape, envFields, isLoopbackUrl, parseEnv } from '#common/env.ts'

const { optional, booleanFlag, port, httpUrl, logLevel } = envFields

/** The variables each sign-in provider needs, all or none. */
const PROVIDER_VARIABLES = {
	GitHub: ['GITHUB_CLIENT_ID', 'GITHUB_CLIENT_SECRET'],
	Google: ['GOOGLE_CLIENT_ID', 'GOOGLE_CLIENT_SECRET'],
	OIDC: ['OIDC_ISSUER', 'OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET'],
} as const

const envSchema = z
	.object({
		NODE_ENV: z.preprocess(blankToUndefined, z.enum(['development', 'production', 'test']).default('production')),
		PORT: z.preprocess(blankToUndefined, port.default(3000)),
		/** Address the app's Node server listens on (default: all interfaces). */
		HOST: optional(z.string().min(1)),
		BETTER_AUTH_URL: optional(httpUrl),
		BETTER_AUTH_SECRET: optional(z.string()),
		/** DATABASE_URL, DATABASE_POOLER, DATA_DIR: as the task API reads them (and `npm run cleanup`). */
		...databaseEnvShape,
		TASKS_API_AUDIENCE: z.preprocess(blankToUndefined, z.string().min(1).default('taskwell-tasks-api')),
		TASKS_API_PORT: z.preprocess(blankToUndefined, port.default(3001)),
		TASKS_API_URL: optional(httpUrl),
		/** Where programs reach the task API (GET /api/tokens/config); TASKS_API_URL when unset. */
		TASKS_API_PUBLIC_URL: optional(httpUrl),
		TASKS_API_TIMEOUT_MS: z.preprocess(blankToUndefined, z.coerce.number().int().min(100).max(60_000).default(5000)),
		TRUST_PROXY: z.preprocess(blankToUndefined, booleanFlag.default(false)),
		/** People per workspace, pending invitations included (the task API enforces the same variable). */
		WORKSPACE_MAX_MEMBERS: z.preprocess(blankToUndefined, z.coerce.number().int().min(1).max(10_000).default(100)),
		/** Workspaces one account may belong to (the task API enforces the same variable). */
		WORKSPACES_PER_ACCOUNT: z.preprocess(blankToUndefined, z.coerce.number().int().min(1).max(1_000).default(20)),
		/**
		 * Comma-separated addresses: an account signing in with one of them,
		 * verified, becomes an admin (app/lib/admin/bootstrap.server.ts).
		 */
		ADMIN_EMAILS: z.preprocess(
			blankToUndefined,
			z
				.string()
				.max(10_000)
				.default('')
				.transform((value) =>
					value
						.split(',')
						.map((email) => email.trim().toLowerCase())
						.filter(Boolean),
				)
				.pipe(z.array(z.email({ error: 'must be comma-separated email addresses' }))),
		),
		/** How long a command line's device sign-in code lives (`taskwell login`: the user has this long to press Allow). */
		DEVICE_CODE_SECONDS: z.preprocess(blankToUndefined, z.coerce.number().int().min(15).max(1_800).default(600)),
		/** smtp(s)://user:pass@host:port; unset locally ⇒ the local outbox (DATA_DIR/outbox). */
		SMTP_URL: optional(z.url({ protocol: /^smtps?$/, error: 'must be an smtp:// or smtps:// URL' })),
		/** The From of every message, e.g. "Taskwell <no-reply@example.com>". */
		MAIL_FROM: optional(z.string().max(320)),
		/** Default: on when deployed (non-loopback BETTER_AUTH_URL), off locally (see the transform). */
		REQUIRE_EMAIL_VERIFICATION: optional(booleanFlag),
		/**
		 * Versioned secrets for rotation, newest first: "2:new-secret,1:old-secret".
		 * BETTER_AUTH_SECRET stays the legacy key for data encrypted before.
		 */
		BETTER_AUTH_SECRETS: optional(
			z.string().regex(/^\s*\d+:[^,]{32,}(\s*,\s*\d+:[^,]{32,})*\s*$/, {
				error: 'must be "<version>:<secret>,…" (newest first), each secret at least 32 characters',
			}),
		),
		LOG_LEVEL: z.preprocess(blankToUndefined, logLevel.default('info')),
		/** Sign-in providers (issue 10): each is on when its variables are set. */
		GITHUB_CLIENT_ID: optional(z.string().max(512)),
		GITHUB_CLIENT_SECRET: optional(z.string().max(512)),
		GOOGLE_CLIENT_ID: optional(z.string().max(512)),
		GOOGLE_CLIENT_SECRET: optional(z.string().max(512)),
		/** Any OpenID Connect provider: its issuer (discovery at /.well-known/openid-configuration). */
		OIDC_ISSUER: optional(httpUrl),
		OIDC_CLIENT_ID: optional(z.string().max(512)),
		OIDC_CLIENT_SECRET: optional(z.string().max(512)),
		/** The button says "Continue with <OIDC_PROVIDER_NAME>". */
		OIDC_PROVIDER_NAME: z.preprocess(blankToUndefined, z.string().max(60).default('SSO')),
	})
	.transform((env) => {
		const baseUrl = env.BETTER_AUTH_URL ?? `http://localhost:${env.PORT}`
		const isDeployed = !isLoopbackUrl(baseUrl)
		return {
			...env,
			BETTER_AUTH_URL: baseUrl,
			// Deployed, sign-up must not tell whether an address has an account
			// (that needs verification on); locally `npm run dev` stays one step.
			REQUIRE_EMAIL_VERIFICATION: env.REQUIRE_EMAIL_VERIFICATION ?? isDeployed,
			TASKS_API_URL: env.TASKS_API_URL ?? `http://127.0.0.1:${env.TASKS_API_PORT}`,
			TASKS_API_PUBLIC_URL: env.TASKS_API_PUBLIC_URL ?? env.TASKS_API_URL ?? `http://127.0.0.1:${env.TASKS_API_PORT}`,
			/** Deployed = the public URL is not this machine. */
			isDeployed,
			isHttps: baseUrl.startsWith('https://'),
			appOrigin: new URL(baseUrl).origin,
			MAIL_FROM: env.MAIL_FROM ?? `Taskwell <no-reply@${new URL(baseUrl).hostname}>`,
		}
	})
	.superRefine((env, ctx) => {
		// A provider needs all of its variables: half a configuration is a typo.
		for (const [name, vars] of Object.entries(PROVIDER_VARIABLES)) {
			const set = vars.filter((key) => env[key] !== undefined)
			if (set.length === 0 || set.length === vars.length) continue
			for (const key of vars.filter((key) => env[key] === undefined)) {
				ctx.addIssue({ code: 'custom', path: [key], message: `is required with ${set.join(' and ')} (${name} sign-in)` })
			}
		}
		if (!env.isDeployed) return
		// Deployed, the callback URLs registered with providers are https.
		if (!env.isHttps && Object.values(PROVIDER_VARIABLES).some((vars) => vars.every((key) => env[key] !== undefined))) {
			ctx.addIssue({
				code: 'custom',
				path: ['BETTER_AUTH_URL'],
				message: 'must be an https:// URL when a sign-in provider is configured (its callback URL is under BETTER_AUTH_URL)',
			})
		}
		if (env.OIDC_ISSUER && !env.OIDC_ISSUER.startsWith('https://')) {
			ctx.addIssue({ code: 'custom', path: ['OIDC_ISSUER'], message: 'must be an https:// URL when BETTER_AUTH_URL is not a loopback URL' })
		}
		if (!env.SMTP_URL) {
			ctx.addIssue({
				code: 'custom',
				path: ['SMTP_URL'],
				message: `is required when BETTER_AUTH_URL (${env.appOrigin}) is not a loopback URL: password-reset and verification mail must be delivered (the local outbox exists only on this machine)`,
			})
		}
		if (!env.BETTER_AUTH_SECRET && env.BETTER_AUTH_SECRETS) return
		if (!env.BETTER_AUTH_SECRET) {
			ctx.addIssue({
				code: 'custom',
				path: ['BETTER_AUTH_SECRET'],
				message: `is required when BETTER_AUTH_URL (${env.appOrigin}) is not a loopback URL; generate one with \`openssl rand -base64 32\``,
			})
		} else if (env.BETTER_AUTH_SECRET.length < 32) {
			ctx.addIssue({
				code: 'custom',
				path: ['BETTER_AUTH_SECRET'],
				message: 'must be at least 32 characters long',
			})
		}
	})

export type AppEnv = z.output<typeof envSchema>

/**
 * What the app logs as a warning once at start: settings that are allowed
 * but weaken a deployed app, each naming its trade-off.
 */
export function startupWarnings(env: AppEnv): string[] {
	const warnings: string[] = []
	if (env.isDeployed && !env.REQUIRE_EMAIL_VERIFICATION) {
		warnings.push(
			'REQUIRE_EMAIL_VERIFICATION=false on a deployed app: sign-up tells anyone whether an address already has an account (account enumeration), and accounts can be made for addresses their owners never confirmed. Leave it unset (on by default when deployed) unless you accept that.',
		)
	}
	return warnings
}

export function readAppEnv(source: Record<string, string | undefined> = process.env): AppEnv {
	return parseEnv(envSchema, source, 'Taskwell app')
}

let cached: AppEnv | undefined
/** The validated environment of this process (parsed on first use). */
export function getEnv(): AppEnv {
	cached ??= readAppEnv()
	return cached
}
