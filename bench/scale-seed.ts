/**
 * What a year of a busy deployment leaves in the databases (issue 25,
 * item 1), written in bulk by `generate_series` in a few statements per
 * table: `seedApp` fills the app's database (accounts, sessions, security
 * events, rate-limit rows, workspaces), `seedTasks` the task API's (tasks,
 * workspaces and memberships, Idempotency-Keys). `scale` multiplies every
 * count (1: the issue's figures; 0.1 for a quick look).
 *
 * Seeded ids start with `seed-`; every seeded account signs in with the
 * password hash it is given (the bench's own account's), so any of them
 * could be measured. What the clean-ups will find: 90 % of the sessions
 * expired, about half of the security events older than the 90 days kept,
 * two thirds of the rate-limit rows older than a day, half of the
 * Idempotency-Keys and of the reset tokens expired, and half of the deleted
 * tasks past their restore window.
 */
import type postgres from 'postgres'

export type SeedCounts = {
	accounts: number
	sessions: number
	securityEvents: number
	rateLimitRows: number
	verifications: number
	workspaces: number
	/** Accounts with 10,000 tasks each. */
	heavyAccounts: number
	/** Accounts with 25 tasks each (most of the others have none). */
	lightAccounts: number
	idempotencyKeys: number
}

export function seedCounts(scale: number): SeedCounts {
	const n = (count: number) => Math.max(1, Math.round(count * scale))
	return {
		accounts: n(100_000),
		sessions: n(1_000_000),
		securityEvents: n(1_000_000),
		rateLimitRows: n(500_000),
		verifications: n(50_000),
		workspaces: n(20_000),
		heavyAccounts: n(100),
		lightAccounts: n(32_000),
		idempotencyKeys: n(200_000),
	}
}

/** Tasks per workspace, and per heavy and light account. */
const WORKSPACE_TASKS = 10
const HEAVY_TASKS = 10_000
const LIGHT_TASKS = 25

const WORDS =
	'alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa quebec romeo sierra tango uniform victor whiskey xray yankee zulu invoice report garden kitchen budget meeting dentist groceries laundry taxes flight hotel passport review deploy backup printer'.split(
		' ',
	)

/** The members of seeded workspace `w` (1-based): the owner and two others, all distinct over every workspace. */
const memberOf = (w: string, k: string, accounts: number) => `'seed-u' || (1 + ((${w}) * 3 + ${k}) % ${accounts})`

export async function seedApp(sql: postgres.Sql, counts: SeedCounts, passwordHash: string): Promise<void> {
	const N = counts.accounts
	await sql`
		insert into "user" (id, name, email, email_verified, two_factor_enabled, role, banned, created_at, updated_at)
		select 'seed-u' || n, 'Seed user ' || n, 'seed-' || n || '@scale.example', true, n % 10 = 0, 'user', false,
			now() - (n % 365) * interval '1 day', now() - (n % 365) * interval '1 day'
		from generate_series(1, ${N}::int) n`
	await sql`
		insert into account (id, account_id, provider_id, user_id, password, created_at, updated_at)
		select 'seed-a' || n, 'seed-u' || n, 'credential', 'seed-u' || n, ${passwordHash}, now(), now()
		from generate_series(1, ${N}::int) n`
	// 20 % with a linked provider, 10 % with two-factor, 5 % with a passkey.
	await sql`
		insert into account (id, account_id, provider_id, user_id, scope, created_at, updated_at)
		select 'seed-p' || n, 'provider-' || n, 'oidc', 'seed-u' || n, 'openid email profile', now(), now()
		from generate_series(1, ${N}::int) n where n % 5 = 0`
	await sql`
		insert into two_factor (id, secret, backup_codes, user_id, verified)
		select 'seed-t' || n, md5('secret' || n), '[]', 'seed-u' || n, true
		from generate_series(1, ${N}::int) n where n % 10 = 0`
	await sql`
		insert into passkey (id, name, public_key, user_id, credential_id, counter, device_type, backed_up, transports, created_at)
		select 'seed-k' || n, 'Laptop', md5('key' || n), 'seed-u' || n, 'credential-' || n, 0, 'multiDevice', true, 'internal', now()
		from generate_series(1, ${N}::int) n where n % 20 = 0`
	// 90 % expired (awaiting the clean-up), the rest valid for up to a month.
	await sql`
		insert into session (id, expires_at, token, ip_address, user_agent, user_id, created_at, updated_at)
		select 'seed-s' || n,
			case when n % 10 = 0 then now() + interval '1 hour' + (n % 30) * interval '1 day'
				else now() - interval '1 hour' - (n % 60) * interval '1 day' end,
			md5('seed-token-' || n), '203.0.113.' || (n % 250),
			'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36',
			'seed-u' || (1 + n % ${N}::int), now() - (n % 90) * interval '1 day', now() - (n % 90) * interval '1 day'
		from generate_series(1, ${counts.sessions}::int) n`
	// Spread over 180 days: about half older than the 90 days kept.
	await sql`
		insert into auth_event (id, user_id, type, method, ip_address, device, session_id, created_at)
		select 'seed-e' || n, 'seed-u' || (1 + n % ${N}::int),
			(array['sign-in', 'sign-out', 'password-changed', 'session-revoked'])[1 + n % 4],
			case when n % 4 = 0 then 'password' end, '203.0.113.' || (n % 250), 'Chrome on Linux', 'seed-s' || n,
			now() - (n % 180) * interval '1 day' - (n % 1440) * interval '1 minute'
		from generate_series(1, ${counts.securityEvents}::int) n`
	// Better Auth's limiter rows (last_request in ms), over 3 days: two thirds older than the day kept.
	await sql`
		insert into rate_limit (id, key, count, last_request)
		select 'seed-r' || n, '198.51.' || (n / 250) || '.' || (n % 250) || '/sign-in/email', 1 + n % 5,
			(extract(epoch from now()) * 1000)::bigint - (n % (3 * 24 * 60)) * 60000
		from generate_series(1, ${counts.rateLimitRows}::int) n`
	await sql`
		insert into verification (id, identifier, value, expires_at, created_at, updated_at)
		select 'seed-v' || n, 'reset-password:' || md5('reset' || n), 'seed-u' || (1 + n % ${N}::int),
			case when n % 2 = 0 then now() + interval '1 hour' else now() - interval '1 day' end, now(), now()
		from generate_series(1, ${counts.verifications}::int) n`
	await sql`
		insert into organization (id, name, slug, created_at)
		select 'seed-w' || n, 'Seed workspace ' || n, 'seed-workspace-' || n, now()
		from generate_series(1, ${counts.workspaces}::int) n`
	await sql.unsafe(`
		insert into member (id, organization_id, user_id, role, created_at)
		select 'seed-m' || n || '-' || k, 'seed-w' || n, ${memberOf('n', 'k', N)}, case k when 0 then 'owner' else 'member' end, now()
		from generate_series(1, ${counts.workspaces}) n, generate_series(0, 2) k`)
}

/** The title, notes and fields of the n-th task (n: an SQL expression), as the bench's other tasks. */
const taskColumns = (n: string, createdAt: string) => `
	(array[${WORDS.map((word) => `'${word}'`).join(', ')}])[1 + (${n}) % ${WORDS.length}] || ' '
		|| (array[${WORDS.map((word) => `'${word}'`).join(', ')}])[1 + ((${n}) * 7) % 41] || ' task ' || (${n}),
	case when (${n}) % 3 = 0 then 'Some notes about ' || (array[${WORDS.map((word) => `'${word}'`).join(', ')}])[1 + ((${n}) * 13) % 47] || ' for task ' || (${n}) end,
	(${n}) % 5 = 0,
	case when (${n}) % 2 = 0 then ('2030-01-' || lpad(((${n}) % 28 + 1)::text, 2, '0'))::date end,
	(array['low', 'normal', 'high'])[1 + (${n}) % 3]::task_priority,
	${createdAt}, ${createdAt},
	case when (${n}) % 5 = 0 then ${createdAt} end`

/**
 * `count` tasks on one list (a personal list, or `workspaceId`'s), as
 * bench/run.ts's: the same titles, notes, states and dates for the same n,
 * in one statement. `deleted`: every 20th is deleted (half of those long
 * ago: past their restore window).
 */
export async function insertTasks(
	sql: postgres.Sql,
	userId: string,
	count: number,
	{ workspaceId = null, deleted = false }: { workspaceId?: string | null; deleted?: boolean } = {},
): Promise<void> {
	await sql.unsafe(
		`insert into task (user_id, workspace_id, title, notes, completed, due_date, priority, created_at, updated_at, completed_at, deleted_at)
		select $1, $2, ${taskColumns('n', `timestamptz '2025-01-01 00:00:00+00' + n * interval '1 minute'`)},
			${deleted ? `case when n % 40 = 0 then now() - interval '60 days' when n % 20 = 0 then now() - interval '10 seconds' end` : 'null'}
		from generate_series(1, $3::int) n`,
		[userId, workspaceId, count],
	)
}

export async function seedTasks(sql: postgres.Sql, counts: SeedCounts): Promise<void> {
	const N = counts.accounts
	const listRows = (accounts: string, perAccount: number, from: number) => `
		insert into task (user_id, title, notes, completed, due_date, priority, created_at, updated_at, completed_at, deleted_at)
		select 'seed-u' || u, ${taskColumns('n', `timestamptz '2025-01-01 00:00:00+00' + (u * ${perAccount} + n) * interval '1 second'`)},
			case when n % 40 = 0 then now() - interval '60 days' when n % 20 = 0 then now() - interval '10 seconds' end
		from generate_series(${from}, ${accounts}) u, generate_series(1, ${perAccount}) n`
	// 100 accounts with 10,000 tasks, then 32,000 with 25 (5 % of each deleted).
	await sql.unsafe(listRows(String(counts.heavyAccounts), HEAVY_TASKS, 1))
	await sql.unsafe(listRows(String(counts.heavyAccounts + counts.lightAccounts), LIGHT_TASKS, counts.heavyAccounts + 1))
	await sql`insert into workspace (id, created_at) select 'seed-w' || n, now() from generate_series(1, ${counts.workspaces}::int) n`
	await sql.unsafe(`
		insert into workspace_member (workspace_id, user_id, role, created_at)
		select 'seed-w' || n, ${memberOf('n', 'k', N)}, case k when 0 then 'owner' else 'member' end, now()
		from generate_series(1, ${counts.workspaces}) n, generate_series(0, 2) k`)
	await sql.unsafe(`
		insert into task (user_id, workspace_id, title, notes, completed, due_date, priority, created_at, updated_at, completed_at)
		select ${memberOf('w', '0', N)}, 'seed-w' || w, ${taskColumns('n', `timestamptz '2025-06-01 00:00:00+00' + (w * ${WORKSPACE_TASKS} + n) * interval '1 second'`)}
		from generate_series(1, ${counts.workspaces}) w, generate_series(1, ${WORKSPACE_TASKS}) n`)
	// Half expired (awaiting the clean-up).
	await sql`
		insert into task_idempotency_key (user_id, key, request_hash, created_at, expires_at)
		select 'seed-u' || (1 + n % ${N}::int), 'seed-key-' || n, md5('request' || n), now() - interval '1 day',
			case when n % 2 = 0 then now() + interval '1 hour' else now() - interval '1 hour' end
		from generate_series(1, ${counts.idempotencyKeys}::int) n`
}

/** How many rows each large table holds (for the report). */
export async function tableSizes(sql: postgres.Sql, tables: string[]): Promise<Record<string, number>> {
	const sizes: Record<string, number> = {}
	for (const table of tables) {
		const [row] = await sql.unsafe<Array<{ n: string }>>(`select count(*) as n from "${table}"`)
		sizes[table] = Number(row?.n ?? 0)
	}
	return sizes
}
