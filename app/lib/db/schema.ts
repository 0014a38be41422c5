/**
 * The app's tables: Better Auth's (user, session, account, verification,
 * jwks) plus the app's own request throttle. The task API owns its tables
 * separately (server/db/schema.ts). Migrations: drizzle/app.
 */
import { bigint, boolean, index, integer, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core'

const timestamps = {
	createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
	updatedAt: timestamp('updated_at', { withTimezone: true })
		.notNull()
		.defaultNow()
		.$onUpdate(() => new Date()),
}

export const user = pgTable('user', {
	id: text('id').primaryKey(),
	name: text('name').notNull(),
	email: text('email').notNull().unique(),
	emailVerified: boolean('email_verified').notNull().default(false),
	image: text('image'),
	/** The browser's IANA time zone, remembered for due dates (Better Auth additionalField; null: UTC). */
	timeZone: text('time_zone'),
	/** Better Auth's two-factor plugin: TOTP is on (set once a code was verified). */
	twoFactorEnabled: boolean('two_factor_enabled').default(false),
	/**
	 * Better Auth's admin plugin (app/lib/auth/admin-access.server.ts): the
	 * account's role (`user` or `admin`), and a suspension ("ban"): its
	 * reason, and when it ends by itself (null: until restored).
	 */
	role: text('role').default('user'),
	banned: boolean('banned').default(false),
	banReason: text('ban_reason'),
	banExpires: timestamp('ban_expires', { withTimezone: true }),
	...timestamps,
})

export const session = pgTable(
	'session',
	{
		id: text('id').primaryKey(),
		expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
		token: text('token').notNull().unique(),
		ipAddress: text('ip_address'),
		userAgent: text('user_agent'),
		userId: text('user_id')
			.notNull()
			.references(() => user.id, { onDelete: 'cascade' }),
		/**
		 * Set only on sessions that existed before the session cookie was
		 * renamed to __Host-taskwell.session_token (migration 0003): until this
		 * time such a session is also accepted under its old name
		 * (__Secure-taskwell.session_token), and moved to the new one. A session
		 * made since has none, so an old-name cookie carrying it (which a
		 * sibling subdomain could set) is never a session. See auth/cookies.server.ts.
		 */
		legacyCookieUntil: timestamp('legacy_cookie_until', { withTimezone: true }),
		/** Better Auth's organization plugin keeps it; Taskwell never reads it (the workspace is in the URL). */
		activeOrganizationId: text('active_organization_id'),
		/** Better Auth's admin plugin: the admin acting as this session's user (an impersonation session, at most 1 hour). */
		impersonatedBy: text('impersonated_by'),
		...timestamps,
	},
	(table) => [index('session_user_id_idx').on(table.userId), index('session_expires_at_idx').on(table.expiresAt)],
)

export const account = pgTable(
	'account',
	{
		id: text('id').primaryKey(),
		accountId: text('account_id').notNull(),
		providerId: text('provider_id').notNull(),
		userId: text('user_id')
			.notNull()
			.references(() => user.id, { onDelete: 'cascade' }),
		accessToken: text('access_token'),
		refreshToken: text('refresh_token'),
		idToken: text('id_token'),
		accessTokenExpiresAt: timestamp('access_token_expires_at', { withTimezone: true }),
		refreshTokenExpiresAt: timestamp('refresh_token_expires_at', { withTimezone: true }),
		scope: text('scope'),
		password: text('password'),
		...timestamps,
	},
	(table) => [index('account_user_id_idx').on(table.userId)],
)

export const verification = pgTable(
	'verification',
	{
		id: text('id').primaryKey(),
		identifier: text('identifier').notNull(),
		value: text('value').notNull(),
		expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
		...timestamps,
	},
	(table) => [index('verification_identifier_idx').on(table.identifier), index('verification_expires_at_idx').on(table.expiresAt)],
)

/** Signing keys of Better Auth's jwt plugin (private keys encrypted at rest). */
export const jwks = pgTable('jwks', {
	id: text('id').primaryKey(),
	publicKey: text('public_key').notNull(),
	privateKey: text('private_key').notNull(),
	alg: text('alg'),
	crv: text('crv'),
	createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
	expiresAt: timestamp('expires_at', { withTimezone: true }),
})

/**
 * Fixed-window counters for the app's own throttling of sign-in and sign-up
 * (Better Auth's limiter does not run for server-side auth.api calls). Kept
 * in the database so every instance behind a load balancer shares them.
 */
export const authThrottle = pgTable(
	'auth_throttle',
	{
		key: text('key').primaryKey(),
		count: integer('count').notNull(),
		windowEndsAt: timestamp('window_ends_at', { withTimezone: true }).notNull(),
	},
	(table) => [index('auth_throttle_window_ends_at_idx').on(table.windowEndsAt)],
)

/**
 * Better Auth's own limiter for direct HTTP calls to /api/auth/* routes.
 * `last_request` is epoch milliseconds; its index serves the clean-up's
 * range (rows not touched for a day), the one query that is not by key.
 * The price: the limiter's update of its row on each request also writes
 * an index entry (no longer a HOT update).
 */
export const rateLimit = pgTable(
	'rate_limit',
	{
		id: text('id').primaryKey(),
		key: text('key').notNull().unique(),
		count: integer('count').notNull(),
		lastRequest: bigint('last_request', { mode: 'number' }).notNull(),
	},
	(table) => [index('rate_limit_last_request_idx').on(table.lastRequest)],
)

/**
 * Better Auth's two-factor plugin: one row per user. `secret` is the TOTP
 * key encrypted with BETTER_AUTH_SECRET (Better Auth's symmetricEncrypt);
 * `backup_codes` is a JSON list of salted SHA-256 hashes (see
 * app/lib/two-factor.server.ts), never the codes themselves.
 */
export const twoFactor = pgTable(
	'two_factor',
	{
		id: text('id').primaryKey(),
		secret: text('secret').notNull(),
		backupCodes: text('backup_codes').notNull(),
		userId: text('user_id')
			.notNull()
			.references(() => user.id, { onDelete: 'cascade' }),
		verified: boolean('verified').default(true),
		failedVerificationCount: integer('failed_verification_count').default(0),
		lockedUntil: timestamp('locked_until', { withTimezone: true }),
	},
	(table) => [index('two_factor_user_id_idx').on(table.userId), index('two_factor_secret_idx').on(table.secret)],
)

/** @better-auth/passkey: WebAuthn credentials (public keys only). */
export const passkey = pgTable(
	'passkey',
	{
		id: text('id').primaryKey(),
		name: text('name'),
		publicKey: text('public_key').notNull(),
		userId: text('user_id')
			.notNull()
			.references(() => user.id, { onDelete: 'cascade' }),
		credentialID: text('credential_id').notNull(),
		counter: integer('counter').notNull(),
		deviceType: text('device_type').notNull(),
		backedUp: boolean('backed_up').notNull(),
		transports: text('transports'),
		createdAt: timestamp('created_at', { withTimezone: true }),
		aaguid: text('aaguid'),
	},
	(table) => [index('passkey_user_id_idx').on(table.userId), index('passkey_credential_id_idx').on(table.credentialID)],
)

/**
 * The security activity log (append-only): one row per account event, for
 * "Recent security activity" in Settings. Never a password, token or code.
 * Kept 90 days (SECURITY_EVENT_RETENTION_DAYS, app/lib/expired-rows.server.ts).
 * No foreign key to user: the "account-deleted" event outlives the account
 * until the cleanup.
 */
export const authEvent = pgTable(
	'auth_event',
	{
		id: text('id').primaryKey(),
		userId: text('user_id').notNull(),
		type: text('type').notNull(),
		method: text('method'),
		provider: text('provider'),
		sessionId: text('session_id'),
		ipAddress: text('ip_address'),
		device: text('device'),
		/**
		 * Workspace events (invitations, roles, members, the workspace itself):
		 * the workspace (its name as it was then: a deleted or renamed workspace
		 * still reads right), who did it (a row goes to each account concerned,
		 * the actor's own row has user_id = actor_id: the workspace's Activity
		 * page lists those), and what it was about in words ("bob@example.com
		 * as Member"). Null for an account's own events.
		 */
		workspaceId: text('workspace_id'),
		workspaceName: text('workspace_name'),
		actorId: text('actor_id'),
		detail: text('detail'),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
	},
	(table) => [
		index('auth_event_user_id_created_at_idx').on(table.userId, table.createdAt),
		index('auth_event_created_at_idx').on(table.createdAt),
		index('auth_event_workspace_id_created_at_idx').on(table.workspaceId, table.createdAt),
	],
)

/**
 * Workspaces (Better Auth's organization plugin: app/lib/auth/workspace-access.server.ts).
 * The task API keeps its own copy of memberships and authorizes from it.
 */
export const organization = pgTable('organization', {
	id: text('id').primaryKey(),
	name: text('name').notNull(),
	slug: text('slug').notNull().unique(),
	logo: text('logo'),
	metadata: text('metadata'),
	createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
})

export const member = pgTable(
	'member',
	{
		id: text('id').primaryKey(),
		organizationId: text('organization_id')
			.notNull()
			.references(() => organization.id, { onDelete: 'cascade' }),
		userId: text('user_id')
			.notNull()
			.references(() => user.id, { onDelete: 'cascade' }),
		role: text('role').notNull().default('member'),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
	},
	(table) => [
		index('member_organization_id_idx').on(table.organizationId),
		index('member_user_id_idx').on(table.userId),
		uniqueIndex('member_organization_user_idx').on(table.organizationId, table.userId),
	],
)

export const invitation = pgTable(
	'invitation',
	{
		id: text('id').primaryKey(),
		organizationId: text('organization_id')
			.notNull()
			.references(() => organization.id, { onDelete: 'cascade' }),
		/** Lower-cased by Better Auth. */
		email: text('email').notNull(),
		role: text('role'),
		/** pending, accepted, rejected or canceled. */
		status: text('status').notNull().default('pending'),
		expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		inviterId: text('inviter_id')
			.notNull()
			.references(() => user.id, { onDelete: 'cascade' }),
	},
	(table) => [index('invitation_organization_id_idx').on(table.organizationId), index('invitation_email_idx').on(table.email)],
)

/**
 * The admin audit log (/admin/audit): one row per admin action, append-only
 * (a trigger in migration 0005 refuses UPDATE, and DELETE of rows younger
 * than a year; the hourly cleanup removes older ones). Who acted and on whom
 * are kept as they were then (id and email, no foreign key): the log
 * outlives a deleted account. Never a password, token, code or cookie.
 */
export const adminAudit = pgTable(
	'admin_audit',
	{
		id: text('id').primaryKey(),
		/** The admin's id, or null for the command line (npm run admin) and ADMIN_EMAILS. */
		actorId: text('actor_id'),
		/** The admin's email then, or "command line" / "ADMIN_EMAILS". */
		actorLabel: text('actor_label').notNull(),
		/** What was done (AdminAction in app/lib/admin/audit.server.ts). */
		action: text('action').notNull(),
		targetId: text('target_id'),
		targetEmail: text('target_email'),
		/** The reason given (a suspension), or what changed in words ("admin → user"). */
		reason: text('reason'),
		ipAddress: text('ip_address'),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
	},
	(table) => [index('admin_audit_created_at_idx').on(table.createdAt), index('admin_audit_target_id_idx').on(table.targetId)],
)

/**
 * Personal access tokens and signed-in command lines (Better Auth's api-key
 * plugin: app/lib/access-tokens/). Only a hash of the secret is stored
 * (`key`, SHA-256); `start` keeps its first characters to tell tokens apart.
 * `config_id` says which kind: `pat` (tw_pat_…, made in Settings) or `cli`
 * (tw_cli_…, a device sign-in). `metadata` (JSON): the access it grants, the
 * workspace it reaches, and the addresses it was used from. `reference_id`
 * is the account (no foreign key in the plugin's schema: the account's
 * deletion deletes them, app/lib/access-tokens/revocation.server.ts).
 */
export const apikey = pgTable(
	'apikey',
	{
		id: text('id').primaryKey(),
		configId: text('config_id').notNull().default('default'),
		name: text('name'),
		start: text('start'),
		referenceId: text('reference_id').notNull(),
		prefix: text('prefix'),
		key: text('key').notNull(),
		refillInterval: integer('refill_interval'),
		refillAmount: integer('refill_amount'),
		lastRefillAt: timestamp('last_refill_at', { withTimezone: true }),
		enabled: boolean('enabled').default(true),
		rateLimitEnabled: boolean('rate_limit_enabled').default(true),
		rateLimitTimeWindow: integer('rate_limit_time_window'),
		rateLimitMax: integer('rate_limit_max'),
		requestCount: integer('request_count').default(0),
		remaining: integer('remaining'),
		lastRequest: timestamp('last_request', { withTimezone: true }),
		expiresAt: timestamp('expires_at', { withTimezone: true }),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
		permissions: text('permissions'),
		metadata: text('metadata'),
	},
	(table) => [
		uniqueIndex('apikey_key_idx').on(table.key),
		index('apikey_reference_id_idx').on(table.referenceId),
		index('apikey_config_id_idx').on(table.configId),
		// The clean-up's range: tokens past their expiry.
		index('apikey_expires_at_idx').on(table.expiresAt),
	],
)

/**
 * Device sign-ins in progress (Better Auth's device-authorization plugin,
 * RFC 8628): the command line's code, the code the user types at /device,
 * and what became of it. A row lives until its code is redeemed, denied and
 * polled, or expired (the hourly clean-up removes expired ones).
 */
export const deviceCode = pgTable(
	'device_code',
	{
		id: text('id').primaryKey(),
		deviceCode: text('device_code').notNull(),
		userCode: text('user_code').notNull(),
		userId: text('user_id'),
		expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
		status: text('status').notNull(),
		lastPolledAt: timestamp('last_polled_at', { withTimezone: true }),
		pollingInterval: integer('polling_interval'),
		clientId: text('client_id'),
		scope: text('scope'),
	},
	(table) => [
		uniqueIndex('device_code_device_code_idx').on(table.deviceCode),
		uniqueIndex('device_code_user_code_idx').on(table.userCode),
		index('device_code_expires_at_idx').on(table.expiresAt),
	],
)

/**
 * Which instance runs the clean-up now (common/cleanup-lease.ts): one row,
 * name 'cleanup', taken by the instance whose run starts while held_until
 * has passed, renewed as its batches go, released (held_until = now()) when
 * it ends. The task API has a table of its own (task_api_cleanup_lease).
 */
export const appCleanupLease = pgTable('app_cleanup_lease', {
	name: text('name').primaryKey(),
	holder: text('holder').notNull(),
	heldUntil: timestamp('held_until', { withTimezone: true }).notNull(),
})

export const schema = {
	user,
	session,
	account,
	verification,
	jwks,
	authThrottle,
	rateLimit,
	twoFactor,
	passkey,
	authEvent,
	organization,
	member,
	invitation,
	adminAudit,
	apikey,
	deviceCode,
	appCleanupLease,
}
export type AppSchema = typeof schema
