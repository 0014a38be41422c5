// node scripts/ci-database.mjs create|drop <base postgres url> <name>
// Creates (printing its URL) or drops (WITH FORCE) a throwaway database.
import postgres from 'postgres'

const [action, baseUrl, name] = process.argv.slice(2)
if (!['create', 'drop'].includes(action) || !baseUrl || !/^[a-z0-9_]+$/.test(name ?? '')) {
	console.error('usage: ci-database.mjs create|drop <postgres url> <name>')
	process.exit(2)
}
const sql = postgres(baseUrl, { max: 1, onnotice: () => {} })
try {
	if (action === 'create') {
		await sql.unsafe(`create database "${name}"`)
		const url = new URL(baseUrl)
		url.pathname = `/${name}`
		console.log(url.toString())
	} else {
		await sql.unsafe(`drop database if exists "${name}" with (force)`)
	}
} finally {
	await sql.end()
}
