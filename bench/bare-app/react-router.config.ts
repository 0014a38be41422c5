import type { Config } from '@react-router/dev/config'

// The bench's baseline: a bare React Router 7 app (same version as Taskwell),
// built by `npm run bench` into BARE_BUILD_DIR (gitignored) and served by
// react-router-serve.
export default {
	ssr: true,
	appDirectory: 'app',
	buildDirectory: process.env.BARE_BUILD_DIR ?? '../.build/bare',
	// As Taskwell's (react-router.config.ts): the manifest in an asset, not inlined.
	routeDiscovery: { mode: 'initial' },
} satisfies Config
