// `npm start`: the production app (PORT, default 3000) and the task API
// (TASKS_API_PORT, default 3001) from `npm run build`. Both log JSON lines
// with a "service" field. If either stops, both stop. Their Node.js flags
// (the app's heap limit, APP_MAX_HEAP_MB): scripts/node-flags.mjs.
import { existsSync } from 'node:fs'
import concurrently from 'concurrently'
import { nodeFlags } from './node-flags.mjs'

let flags
try {
	flags = { app: nodeFlags('app').join(' '), api: nodeFlags('api').join(' ') }
} catch (error) {
	console.error(error.message)
	process.exit(1)
}

for (const file of ['build/app-server.js', 'build/api/index.js', 'build/server/index.js']) {
	if (!existsSync(file)) {
		console.error(`${file} is missing: run \`npm run build\` first.`)
		process.exit(1)
	}
}

const { result } = concurrently(
	[
		{ name: 'app', command: `node ${flags.app} build/app-server.js` },
		{ name: 'api', command: `node ${flags.api} build/api/index.js` },
	],
	{ killOthersOn: ['failure', 'success'], raw: true },
)
result.then(
	() => process.exit(0),
	() => process.exit(1),
)
