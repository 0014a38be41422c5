#!/usr/bin/env node
/**
 * What a cold load of a page costs in JavaScript and CSS: reads the
 * production build (build/client, or BUILD_DIR/client) and React Router's
 * route manifest, collects the page's scripts (the client entry, the route
 * manifest, and each route module of the page with its modulepreload
 * imports) and prints each chunk's gzipped size and the total. Code a page
 * imports with import() when it is used (a passkey ceremony, a form's
 * schema) is not part of its cold load.
 *
 *   node scripts/bundle-size.mjs                               # /tasks
 *   node scripts/bundle-size.mjs routes/settings/index         # another route id
 *   node scripts/bundle-size.mjs routes/auth/login routes/auth/signup  # several, one after the other
 *   node scripts/bundle-size.mjs --max-kb=130                  # exit 1 if a page is above the budget
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'

const args = process.argv.slice(2)
const routeIds = args.filter((arg) => !arg.startsWith('--'))
if (routeIds.length === 0) routeIds.push('routes/tasks/index')
const maxKb = Number(args.find((arg) => arg.startsWith('--max-kb='))?.split('=')[1] ?? Infinity)
const clientDir = join(process.env.BUILD_DIR ?? 'build', 'client')
const assetsDir = join(clientDir, 'assets')

const manifestFile = readdirSync(assetsDir).find((name) => /^manifest-.*\.js$/.test(name))
if (!manifestFile) throw new Error(`no route manifest in ${assetsDir}: run npm run build first`)
const manifestSource = readFileSync(join(assetsDir, manifestFile), 'utf8')
const manifest = JSON.parse(manifestSource.slice(manifestSource.indexOf('{'), manifestSource.lastIndexOf('}') + 1))

function sizes(files) {
	return [...files]
		.map((file) => {
			const body = readFileSync(join(clientDir, file))
			return { file, raw: body.length, gzip: gzipSync(body).length }
		})
		.sort((a, b) => b.gzip - a.gzip)
}

const kb = (bytes) => (bytes / 1024).toFixed(1).padStart(7)
function print(title, rows) {
	console.log(`${title}`)
	for (const row of rows) console.log(`${kb(row.gzip)} KB gzip ${kb(row.raw)} KB  ${row.file}`)
	const total = rows.reduce((sum, row) => ({ raw: sum.raw + row.raw, gzip: sum.gzip + row.gzip }), { raw: 0, gzip: 0 })
	console.log(`${kb(total.gzip)} KB gzip ${kb(total.raw)} KB  total (${rows.length} files)\n`)
	return total
}

for (const routeId of routeIds) {
	const chain = []
	for (let id = routeId; id; id = manifest.routes[id]?.parentId) {
		const route = manifest.routes[id]
		if (!route) throw new Error(`no route ${id} in the manifest (ids: ${Object.keys(manifest.routes).join(', ')})`)
		chain.unshift(route)
	}

	const scripts = new Set([`/assets/${manifestFile}`, manifest.entry.module, ...manifest.entry.imports])
	const styles = new Set(manifest.entry.css ?? [])
	for (const route of chain) {
		if (route.module) scripts.add(route.module)
		for (const file of route.imports ?? []) scripts.add(file)
		for (const file of route.css ?? []) styles.add(file)
	}
	// The root's stylesheet is a <link> of its own (styles.css?url), not in the manifest.
	for (const name of readdirSync(assetsDir)) if (name.endsWith('.css')) styles.add(`/assets/${name}`)

	console.log(`Cold load of ${chain.map((route) => route.id).join(' > ')}\n`)
	const js = print('JavaScript', sizes(scripts))
	print('CSS', sizes(styles))
	if (js.gzip / 1024 > maxKb) {
		console.error(`${routeId}: JavaScript ${(js.gzip / 1024).toFixed(1)} KB gzipped is over the budget of ${maxKb} KB\n`)
		process.exitCode = 1
	}
}
