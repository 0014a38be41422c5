/**
 * Better Auth, configured for the BFF pattern:
 * - email + password accounts, stored through the drizzle adapter;
 * - one HttpOnly session cookie (SameSite=Lax, Secure + __Secure- on https);
 * - the jwt plugin signs short-lived EdDSA tokens for the task API. Only
 *   server code mints them (auth.api.getToken); the HTTP route /token is
 *   disabled and the set-auth-jwt header is off, so a browser never gets one.
 * Sign-in, sign-up and every account action happen only through the app's
 * form actions (throttled in app/lib/throttle.server.ts) calling auth.api on
 * the server, so Better Auth's HTTP routes are closed except an allowlist
 * (OPEN_AUTH_ROUTES): a route a new plugin brings is closed until added.
 */
import { eq } from 'drizzle-orm'
import { betterAuth, type BetterAuthPlugin } from 'better-auth'
import { drizzleAdapter } from 'better-auth/adapters/drizzle'
import { jwt } from 'better-auth/plugins/jwt'
import { resolveAuthSecret } from './auth-secret.server.ts'
import { allowedOrigins } from './csrf.server.ts'
import { db } from './db.server.ts'
import { schema, verification } from './db/schema.ts'
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from './schemas/auth.ts'
import { getEnv } from './env.server.ts'
import { logger } from './logger.server.ts'
import { forgetCachedSessionsOf } from './session-cache.server.ts'
import { existingAccountSignUpMessage, passwordResetMessage, sendMailInBackground, verificationMessage } from './mail.server.ts'

export const SESSION_EXPIRES_IN_SECONDS = 60 * 60 * 24 * 7
export const SESSION_UPDATE_AGE_SECONDS = 60 * 60 * 24
export const TOKEN_EXPIRES_IN = '5m'
export const JWKS_ROTATION_INTERVAL_SECONDS = 60 * 60 * 24 * 30
export const JWKS_GRACE_PERIOD_SECONDS = 60 * 60 * 24 * 7

const env = getEnv()

export const RESET_PASSWORD_TOKEN_EXPIRES_IN_SECONDS = 60 * 60
export const EMAIL_VERIFICATION_EXPIRES_IN_SECONDS = 60 * 60 * 24

/**
 * The only Better Auth HTTP routes that answer; everything else under
 * /api/auth/* is a 404. The browser needs none of them: the app resolves
 * sessions on the server and every account action is a form of the app
 * (sign-out is POST /logout). Only the task API calls in, for the key set.
 */
export const OPEN_AUTH_ROUTES: ReadonlyArray<{ method: string; path: string; why: string }> = [
	{ method: 'GET', path: '/jwks', why: 'the public keys the task API verifies tokens with' },
]

const AUTH_BASE_PATH = '/api/auth'

/** Whether a request is for an allowlisted route (exact path and method). */
export function isOpenAuthRoute(request: Request): boolean {
	const { pathname } = new URL(request.url)
	if (!pathname.startsWith(`${AUTH_BASE_PATH}/`)) return false
	const path = pathname.slice(AUTH_BASE_PATH.length)
	return OPEN_AUTH_ROUTES.some((route) => route.path === path && route.method === request.method)
}

/**
 * Closes every route not in OPEN_AUTH_ROUTES for direct callers of
 * auth.handler too (the app's resource route checks first, before Better
 * Auth's rate limiter writes a row). auth.api calls do not pass here.
 */
const httpAllowlist = {
	id: 'taskwell-http-allowlist',
	onRequest: async (request: Request) => (isOpenAuthRoute(request) ? undefined : { response: new Response('Not Found', { status: 404 }) }),
} satisfies BetterAuthPlugin

/**
 * Ends every outstanding reset link of a user (after a reset, or a password
 * change in Settings). Better Auth stores a reset token as a verification
 * row whose identifier is the hash of "reset-password:<token>" (so it cannot
 * be told apart by prefix) and whose value is the user id; email
 * verification links are not stored. Every row keyed to the user goes.
 */
export async function deleteOutstandingResetTokens(userId: string): Promise<void> {
	await db.delete(verification).where(eq(verification.value, userId))
}

/** "2:new,1:old" → Better Auth's versioned secrets (newest first). */
export function parseSecrets(value: string | undefined) {
	if (!value) return undefined
	return value.split(',').map((entry) => {
		const trimmed = entry.trim()
		const colon = trimmed.indexOf(':')
		return { version: Number(trimmed.slice(0, colon)), value: trimmed.slice(colon + 1).trim() }
	})
}

export const jwtPluginOptions = {
	jwks: {
		keyPairConfig: { alg: 'EdDSA', crv: 'Ed25519' },
		// Key rotation: a new signing key every 30 days; a retired key stays
		// in the published set for a week (tokens live 5 minutes, the task
		// API caches the set), then drops out.
		rotationInterval: JWKS_ROTATION_INTERVAL_SECONDS,
		gracePeriod: JWKS_GRACE_PERIOD_SECONDS,
	},
	jwt: {
		issuer: env.BETTER_AUTH_URL,
		audience: env.TASKS_API_AUDIENCE,
		expirationTime: TOKEN_EXPIRES_IN,
		// The task API needs only who is calling (sub, set by the plugin from
		// the user id) and the registered time claims: no name, no email.
		definePayload: () => ({}),
	},
	disableSettingJwtHeader: true,
} satisfies Parameters<typeof jwt>[0]

export const auth = betterAuth({
	appName: 'Taskwell',
	baseURL: env.BETTER_AUTH_URL,
	basePath: AUTH_BASE_PATH,
	// With BETTER_AUTH_SECRETS, the newest one signs and encrypts; older ones
	// still decrypt (stored JWKS private keys), and BETTER_AUTH_SECRET is
	// the legacy key for what was encrypted before versioning.
	secret: env.isDeployed && env.BETTER_AUTH_SECRETS && !env.BETTER_AUTH_SECRET ? undefined : resolveAuthSecret(env),
	secrets: parseSecrets(env.BETTER_AUTH_SECRETS),
	trustedOrigins: allowedOrigins(env.BETTER_AUTH_URL),
	database: drizzleAdapter(db, { provider: 'pg', schema }),
	emailAndPassword: {
		enabled: true,
		minPasswordLength: PASSWORD_MIN_LENGTH,
		maxPasswordLength: PASSWORD_MAX_LENGTH,
		autoSignIn: true,
		requireEmailVerification: env.REQUIRE_EMAIL_VERIFICATION,
		resetPasswordTokenExpiresIn: RESET_PASSWORD_TOKEN_EXPIRES_IN_SECONDS,
		// A reset ends every session of the account (a thief's included).
		revokeSessionsOnPasswordReset: true,
		// Using one link ends the others the account still has.
		onPasswordReset: async ({ user }) => {
			await deleteOutstandingResetTokens(user.id)
		},
		// Not awaited: the request takes the same time whether or not the
		// account exists. The link points at the app's own page.
		sendResetPassword: async ({ user, token }) => {
			void sendMailInBackground(passwordResetMessage(user.email, token))
		},
		// With verification on, sign-up answers a taken address exactly like a
		// free one ("check your email"; Better Auth hashes the password anyway
		// to keep the timing alike). The owner is told by mail instead. Not
		// awaited, like every mail, so the answer takes no longer.
		onExistingUserSignUp: async ({ user }) => {
			void sendMailInBackground(existingAccountSignUpMessage(user.email))
		},
	},
	emailVerification: {
		sendOnSignUp: env.REQUIRE_EMAIL_VERIFICATION,
		sendOnSignIn: false,
		autoSignInAfterVerification: false,
		expiresIn: EMAIL_VERIFICATION_EXPIRES_IN_SECONDS,
		sendVerificationEmail: async ({ user, token }) => {
			void sendMailInBackground(verificationMessage(user.email, token))
		},
	},
	user: { deleteUser: { enabled: true } },
	// Reset tokens are stored hashed: a database leak does not leak them.
	verification: { storeIdentifier: 'hashed' },
	// Session lookups are cached for under a second (session-cache.server.ts);
	// whatever ends a session or changes a user here is seen at once by this
	// instance (and by the others when their cache entry ages out).
	databaseHooks: {
		session: { delete: { after: async (session) => forgetCachedSessionsOf(session.userId) } },
		user: {
			update: { after: async (user) => forgetCachedSessionsOf(user.id) },
			delete: { after: async (user) => forgetCachedSessionsOf(user.id) },
		},
	},
	session: {
		expiresIn: SESSION_EXPIRES_IN_SECONDS,
		updateAge: SESSION_UPDATE_AGE_SECONDS,
	},
	// Direct HTTP calls to /api/auth/* are limited by Better Auth itself,
	// with counters in the database so every instance shares them.
	rateLimit: { enabled: true, storage: 'database', window: 60, max: 60 },
	advanced: {
		cookiePrefix: 'taskwell',
		useSecureCookies: env.isHttps,
		defaultCookieAttributes: { httpOnly: true, sameSite: 'lax', path: '/' },
		ipAddress: { ipAddressHeaders: ['x-forwarded-for'] },
		database: { generateId: () => crypto.randomUUID() },
	},
	telemetry: { enabled: false },
	logger: {
		log: (level, message) => {
			const log = level === 'error' || level === 'warn' || level === 'debug' ? level : 'info'
			logger[log]({ component: 'better-auth' }, message)
		},
	},
	plugins: [httpAllowlist, jwt(jwtPluginOptions)],
})

export type Auth = typeof auth
