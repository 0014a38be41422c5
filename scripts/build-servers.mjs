// Bundles the two Node entry points that React Router's build does not cover:
// the app's HTTP server and the task API. Dependencies stay external
// (installed node_modules), our own TypeScript is compiled in.
import { build } from 'esbuild'

const outDir = process.env.BUILD_DIR ?? 'build'

const common = {
	bundle: true,
	platform: 'node',
	target: 'node20',
	format: 'esm',
	packages: 'external',
	sourcemap: true,
	logLevel: 'warning',
}

await Promise.all([
	build({ ...common, entryPoints: ['app-server.ts'], outfile: `${outDir}/app-server.js` }),
	build({ ...common, entryPoints: ['server/index.ts'], outfile: `${outDir}/api/index.js` }),
])
console.log(`built ${outDir}/app-server.js and ${outDir}/api/index.js`)
