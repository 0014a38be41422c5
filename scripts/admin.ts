/**
 * `npm run admin -- grant <email>` and `npm run admin -- revoke <email>`:
 * gives an account the admin role, or takes it away, from the command line
 * (issue 22). It is how the first admin is made without ADMIN_EMAILS, and
 * the way back in when no admin is left. It runs against DATABASE_URL, or
 * the embedded database under DATA_DIR, and applies the app's migrations
 * first (as db-migrate.ts does), so it works on a database no server has
 * opened yet.
 *
 * - Each change writes an admin audit row (actor "command line"), in the
 *   transaction that made it; asking for what is already so changes nothing
 *   and writes nothing.
 * - Revoking the last admin is done (the operator is in charge), with a
 *   warning.
 * - A signed-in user sees the new role within a second, with nothing else
 *   to do: the app reads the user through Better Auth on every request,
 *   reusing a lookup for at most 500 ms (app/lib/auth/session-cache.server.ts).
 * - The embedded database (PGlite) serves one process at a time: while
 *   `npm run dev` or `npm start` holds it (its lock file, common/database.ts)
 *   this says so and changes nothing, rather than open it a second time.
 *
 * It opens the database itself, not through app/lib/db.server.ts (which
 * opens it when imported), and writes the audit row with the same insert as
 * the web (app/lib/admin/audit-entry.server.ts).
 */
import path from 'node:path'
import { and, eq, sql } from 'drizzle-orm'
import { insertAdminAudit, type AdminActor } from '#app/lib/admin/audit-entry.server.ts'
import { schema, user, type AppSchema } from '#app/lib/db/schema.ts'
import { readAppEnv } from '#app/lib/env.server.ts'
import { DatabaseStartupError, EmbeddedDatabaseInUseError, openDatabase, type Database } from '#common/database.ts'
import { EnvError } from '#common/env.ts'

const USAGE = `Usage:
  npm run admin -- grant <email>    make the account with this address an admin
  npm run admin -- revoke <email>   take the admin role away from it

Runs against DATABASE_URL, or else the embedded database in DATA_DIR (default
.data); with the embedded database, stop \`npm run dev\` or \`npm start\` first.`

const COMMAND_LINE: AdminActor = { id: null, label: 'command line' }

type Account = { id: string; email: string; role: string | null }

async function main(args: string[]): Promise<number> {
	if (args.length === 1 && (args[0] === '--help' || args[0] === '-h')) {
		console.log(USAGE)
		return 0
	}
	const [command, address, ...rest] = args
	if ((command !== 'grant' && command !== 'revoke') || !address?.trim() || rest.length > 0) {
		console.error(USAGE)
		return 2
	}

	let env: ReturnType<typeof readAppEnv>
	try {
		env = readAppEnv()
	} catch (error) {
		if (!(error instanceof EnvError)) throw error
		console.error(error.message)
		return 1
	}

	let database: Awaited<ReturnType<typeof openDatabase<AppSchema>>>
	try {
		database = await openDatabase({
			databaseUrl: env.DATABASE_URL,
			pooler: env.DATABASE_POOLER,
			dataDir: env.DATA_DIR,
			name: 'app',
			schema,
			migrationsFolder: path.resolve('drizzle/app'),
			migrationsTable: '__drizzle_migrations_app',
		})
	} catch (error) {
		if (error instanceof EmbeddedDatabaseInUseError) {
			console.error(
				`The embedded database in ${env.DATA_DIR} is open in another process (pid ${error.ownerPid}), probably \`npm run dev\` or \`npm start\`: ` +
					'it serves one process at a time. Stop that process, run this command again, then start the servers. Nothing was changed.',
			)
			return 1
		}
		if (!(error instanceof DatabaseStartupError)) throw error
		console.error(`Cannot open the database: ${error.message}`)
		return 1
	}

	try {
		await database.migrate()
		const target = await findAccount(database.db, address.trim())
		if (typeof target === 'string') {
			console.error(target)
			return 1
		}
		return command === 'grant' ? await grant(database.db, target) : await revoke(database.db, target)
	} finally {
		await database.close()
	}
}

/**
 * The account with this address, compared without case (Better Auth stores
 * addresses lower-cased). Should two accounts differ only in case, the exact
 * spelling decides; a message (string) when there is no such account.
 */
async function findAccount(db: Database<AppSchema>, address: string): Promise<Account | string> {
	const rows = await db
		.select({ id: user.id, email: user.email, role: user.role })
		.from(user)
		.where(sql`lower(${user.email}) = ${address.toLowerCase()}`)
	if (rows.length === 1) return rows[0]!
	const exact = rows.find((row) => row.email === address)
	if (exact) return exact
	if (rows.length === 0) return `No account has the address ${address.toLowerCase()}.`
	return `Several accounts have this address in different case (${rows.map((row) => row.email).join(', ')}): give it exactly as one of them.`
}

async function grant(db: Database<AppSchema>, target: Account): Promise<number> {
	const changed = await db.transaction(async (tx) => {
		const updated = await tx
			.update(user)
			.set({ role: 'admin' })
			.where(and(eq(user.id, target.id), sql`${user.role} is distinct from 'admin'`))
			.returning({ id: user.id })
		if (updated.length === 0) return false
		await insertAdminAudit(tx, {
			actor: COMMAND_LINE,
			action: 'role-granted',
			target: { id: target.id, email: target.email },
			reason: `${target.role ?? 'user'} → admin`,
		})
		return true
	})
	console.log(changed ? `${target.email} is now an admin.` : `${target.email} is already an admin. Nothing was changed.`)
	return 0
}

async function revoke(db: Database<AppSchema>, target: Account): Promise<number> {
	const outcome = await db.transaction(async (tx) => {
		const updated = await tx
			.update(user)
			.set({ role: 'user' })
			.where(and(eq(user.id, target.id), eq(user.role, 'admin')))
			.returning({ id: user.id })
		if (updated.length === 0) return null
		await insertAdminAudit(tx, {
			actor: COMMAND_LINE,
			action: 'role-revoked',
			target: { id: target.id, email: target.email },
			reason: 'admin → user',
		})
		const admins = await tx.$count(user, eq(user.role, 'admin'))
		return { adminsLeft: admins }
	})
	if (!outcome) {
		console.log(`${target.email} is not an admin. Nothing was changed.`)
		return 0
	}
	console.log(`${target.email} is no longer an admin.`)
	if (outcome.adminsLeft === 0) {
		console.error('Warning: no account is an admin now. Make one with: npm run admin -- grant <email> (or ADMIN_EMAILS).')
	}
	return 0
}

process.exitCode = await main(process.argv.slice(2))
