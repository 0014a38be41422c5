/**
 * Better Auth, configured for the BFF pattern:
 * - email + password accounts, stored through the drizzle adapter;
 * - one HttpOnly session cookie (SameSite=Lax; on https Secure and __Host-);
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
import { createAuthEndpoint } from 'better-auth/api'
import { jwt } from 'better-auth/plugins/jwt'
import { genericOAuth } from 'better-auth/plugins/generic-oauth'
import { magicLink } from 'better-auth/plugins/magic-link'
import { decodeJwt } from 'jose'
import { securityEventHooks } from './events.server.ts'
import { configuredProviders, genericOAuthConfig, socialProvidersOption } from './providers.server.ts'
import { twoFactor } from 'better-auth/plugins/two-factor'
import { passkey } from '@better-auth/passkey'
import { resolveAuthSecret } from './secret.server.ts'
import { authCookiePrefix } from './cookies.server.ts'
import { allowedOrigins } from '#app/lib/http/request-guards.server.ts'
import { db } from '#app/lib/db.server.ts'
import { schema, verification } from '#app/lib/db/schema.ts'
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '#app/lib/auth/account-fields.ts'
import { getEnv } from '#app/lib/env.server.ts'
import { hashBackupCodeList, newBackupCodes, storedBackupCodeList } from './two-factor-codes.server.ts'
import { logger } from '#app/lib/logger.server.ts'
import {
	emailChangeVerificationMessage,
	existingAccountSignUpMessage,
	magicLinkMessage,
	passwordResetMessage,
	sendMailInBackground,
	verificationMessage,
} from '#app/lib/mail.server.ts'
import { forgetCachedSessionsOf } from './session-cache.server.ts'
import { workspacesPlugin } from './workspace-access.server.ts'
import { adminPlugin } from './admin-access.server.ts'
import { promoteListedAdmin } from '#app/lib/admin/bootstrap.server.ts'
import { accessTokenPlugins } from '#app/lib/access-tokens/plugins.server.ts'

const EMAIL_IN_TEXT = /[^\s@:]+@[^\s@]+/g

export const SESSION_EXPIRES_IN_SECONDS = 60 * 60 * 24 * 7
export const SESSION_UPDATE_AGE_SECONDS = 60 * 60 * 24
export const TOKEN_EXPIRES_IN = '5m'
export const JWKS_ROTATION_INTERVAL_SECONDS = 60 * 60 * 24 * 30
export const JWKS_GRACE_PERIOD_SECONDS = 60 * 60 * 24 * 7

const env = getEnv()

export const RESET_PASSWORD_TOKEN_EXPIRES_IN_SECONDS = 60 * 60
export const EMAIL_VERIFICATION_EXPIRES_IN_SECONDS = 60 * 60 * 24
export const MAGIC_LINK_EXPIRES_IN_SECONDS = 10 * 60

/**
 * The only Better Auth HTTP routes that answer; everything else under
 * /api/auth/* is a 404. The browser needs none of them: the app resolves
 * sessions on the server and every account action is a form of the app
 * (sign-out is POST /logout). Only the task API calls in, for the key set.
 */
export const OPEN_AUTH_ROUTES: ReadonlyArray<{ method: string; path: string; why: string }> = [
	{ method: 'GET', path: '/jwks', why: 'the public keys the task API verifies tokens with' },
	// The provider sends the browser back here (a GET redirect with ?code=&state=):
	// only this route can take it, since Better Auth checks the state against
	// its signed state cookie and trades the code (with the PKCE verifier) for
	// the user's identity. One entry per configured provider, nothing else.
	...configuredProviders().map(({ id }) => ({
		method: 'GET',
		path: `/callback/${id}`,
		why: `the redirect back from the ${id} sign-in provider (OAuth callback)`,
	})),
	// Passkeys: WebAuthn runs in the browser (navigator.credentials), so the
	// ceremony's four calls come from page scripts. Options are public; the
	// verify routes check the signed challenge. POSTs still pass the app's
	// cross-site check; the resource route strips the session from the
	// sign-in answer (the cookie is HttpOnly), applies "Remember me"
	// (passkey-remember-me.server.ts) and records the events.
	// Listing, renaming and deleting passkeys stay server-side (Settings forms).
	{
		method: 'GET',
		path: '/passkey/generate-register-options',
		why: 'WebAuthn registration options for a signed-in user (browser ceremony)',
	},
	{ method: 'POST', path: '/passkey/verify-registration', why: 'stores the new passkey of a signed-in user after the browser ceremony' },
	{ method: 'GET', path: '/passkey/generate-authenticate-options', why: 'WebAuthn sign-in options (browser ceremony)' },
	{
		method: 'POST',
		path: '/passkey/verify-authentication',
		why: 'passkey sign-in: verifies the signed challenge and sets the session cookie',
	},
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

export const TRUST_DEVICE_SECONDS = 60 * 60 * 24 * 30
/** How long the second step of a sign-in may take (Better Auth's two_factor cookie). */
export const TWO_FACTOR_CHALLENGE_SECONDS = 10 * 60

/**
 * Who is between the two steps of a sign-in: the user id behind the signed
 * two_factor cookie Better Auth set after the right password (null without
 * one, or once it expired or was used). Server-only (no HTTP route): the
 * app's second-step page throttles codes per account with it.
 */
const twoFactorChallenge = {
	id: 'taskwell-two-factor-challenge',
	endpoints: {
		pendingTwoFactorUser: createAuthEndpoint.serverOnly({ method: 'POST' }, async (ctx) => {
			const cookie = ctx.context.createAuthCookie('two_factor')
			const identifier = await ctx.getSignedCookie(cookie.name, ctx.context.secret)
			if (!identifier) return ctx.json({ userId: null as string | null })
			const row = await ctx.context.internalAdapter.findVerificationValue(identifier)
			return ctx.json({ userId: row && row.expiresAt > new Date() ? row.value : null })
		}),
	},
} satisfies BetterAuthPlugin

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
		// While an admin acts as the user (an impersonation session), the
		// admin is the actor (RFC 8693 `act`): the task API logs both.
		definePayload: ({ session }) => {
			const actor = (session as { impersonatedBy?: string | null }).impersonatedBy
			return actor ? { act: { sub: actor } } : {}
		},
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
		// ADMIN_EMAILS: a listed address becomes an admin once verified (as at
		// a sign-in with it, below), so its owner need not sign in again.
		afterEmailVerification: async (user) => {
			if (env.ADMIN_EMAILS.length > 0) await promoteListedAdmin(user.id, env.ADMIN_EMAILS)
		},
		// Also the link of an email change, to the new address (Better Auth
		// passes the new address as user.email; the token says updateTo).
		// A sign-up's callbackURL (a page to come back to, e.g. an
		// invitation) rides along in the link as redirectTo.
		sendVerificationEmail: async ({ user, token, url }) => {
			const isEmailChange = Boolean(decodeJwt(token).updateTo)
			const callbackURL = URL.canParse(url) ? new URL(url).searchParams.get('callbackURL') : null
			void sendMailInBackground(
				isEmailChange ? emailChangeVerificationMessage(user.email, token) : verificationMessage(user.email, token, callbackURL),
			)
		},
	},
	user: {
		deleteUser: { enabled: true },
		// The email changes only when the new address confirms (the link goes
		// there); the old address gets a notice from the app's action.
		changeEmail: { enabled: true, updateEmailWithoutVerification: false },
		// The browser's time zone (the tasks page sends it when JavaScript
		// runs): due dates compare against the user's own day.
		additionalFields: { timeZone: { type: 'string', required: false, input: true } },
	},
	socialProviders: socialProvidersOption(env),
	account: {
		accountLinking: {
			enabled: true,
			// No provider is trusted blindly: a provider identity joins an
			// existing account only when the provider says its email is verified
			// and the account's own email is verified too (otherwise Better Auth
			// refuses with ?error=account_not_linked); a link from Settings needs
			// a verified provider email equal to the account's.
			trustedProviders: [],
			requireLocalEmailVerified: true,
			allowDifferentEmails: false,
			// A password account counts: the last way to sign in stays.
			allowUnlinkingAll: false,
		},
	},
	// A failed provider round trip (denied, bad state, provider down) lands on
	// /login?error=<code>, which shows a message for the code.
	onAPIError: { errorURL: `${env.BETTER_AUTH_URL}/login` },
	// Reset tokens are stored hashed: a database leak does not leak them.
	verification: { storeIdentifier: 'hashed' },
	// Session lookups are cached for under a second (session-cache.server.ts);
	// whatever ends a session or changes a user here is seen at once by this
	// instance (and by the others when their cache entry ages out).
	// Security events of flows that end inside Better Auth (provider and
	// sign-in-link callbacks) come from securityEventHooks.
	databaseHooks: {
		...securityEventHooks,
		session: {
			create: {
				after: async (session, ctx) => {
					await securityEventHooks.session.create.after(session, ctx)
					// ADMIN_EMAILS: a verified listed address signing in becomes an admin.
					if (env.ADMIN_EMAILS.length > 0 && !(session as { impersonatedBy?: string | null }).impersonatedBy) {
						await promoteListedAdmin(session.userId, env.ADMIN_EMAILS)
					}
				},
			},
			delete: { after: async (session) => forgetCachedSessionsOf(session.userId) },
		},
		user: {
			...securityEventHooks.user,
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
		// On https every auth cookie is __Host-taskwell.* (Secure, Path=/, no
		// Domain): a sibling subdomain cannot plant one (cookies.server.ts).
		// Better Auth would put its own __Secure- prefix before any name, so its
		// secure-cookie switch stays off and Secure is set here instead.
		cookiePrefix: authCookiePrefix(env.isHttps),
		useSecureCookies: false,
		defaultCookieAttributes: { httpOnly: true, sameSite: 'lax', path: '/', secure: env.isHttps },
		ipAddress: { ipAddressHeaders: ['x-forwarded-for'] },
		database: { generateId: () => crypto.randomUUID() },
	},
	telemetry: { enabled: false },
	logger: {
		// Better Auth puts e-mail addresses into some messages ("Sign-up attempt for
		// existing email: …"): the log gets the message without them.
		log: (level, message) => {
			const log = level === 'error' || level === 'warn' || level === 'debug' ? level : 'info'
			logger[log]({ component: 'better-auth' }, message.replace(EMAIL_IN_TEXT, '[email]'))
		},
	},
	plugins: [
		httpAllowlist,
		jwt(jwtPluginOptions),
		...(genericOAuthConfig(env).length > 0 ? [genericOAuth({ config: genericOAuthConfig(env) })] : []),
		magicLink({
			expiresIn: MAGIC_LINK_EXPIRES_IN_SECONDS,
			// Only existing accounts sign in by link; sign-up stays the form.
			disableSignUp: true,
			storeToken: 'hashed',
			// The app sends the link to its own page (/login/link), whose POST
			// verifies it; unknown addresses get no mail and the same answer.
			sendMagicLink: async ({ email, token }, ctx) => {
				const found = await ctx?.context.internalAdapter.findUserByEmail(email)
				if (!found) return
				void sendMailInBackground(magicLinkMessage(found.user.email, token))
			},
		}),
		twoFactor({
			issuer: 'Taskwell',
			trustDeviceMaxAge: TRUST_DEVICE_SECONDS,
			twoFactorCookieMaxAge: TWO_FACTOR_CHALLENGE_SECONDS,
			// The TOTP secret is encrypted with BETTER_AUTH_SECRET (Better
			// Auth's default); backup codes are stored as salted hashes
			// instead of Better Auth's default encryption.
			backupCodeOptions: {
				amount: 10,
				customBackupCodesGenerate: newBackupCodes,
				storeBackupCodes: { encrypt: hashBackupCodeList, decrypt: storedBackupCodeList },
			},
		}),
		twoFactorChallenge,
		passkey({ rpName: 'Taskwell', rpID: new URL(env.BETTER_AUTH_URL).hostname, origin: new URL(env.BETTER_AUTH_URL).origin }),
		workspacesPlugin(env),
		adminPlugin(),
		...accessTokenPlugins(),
	],
})

export type Auth = typeof auth
