import type { Config } from '@react-router/dev/config'

export default {
	ssr: true,
	// BUILD_DIR lets parallel checkouts build side by side (default: build).
	buildDirectory: process.env.BUILD_DIR ?? 'build',
	// The whole route manifest up front, in one hashed asset the browser
	// caches (not React Router's default "lazy" discovery: a slice of it
	// inlined into every page, computed per request by matching the path
	// against every route, and a /__manifest request to the server for the
	// links each page renders). docs/decisions/0006-react-router-route-work-once.md.
	routeDiscovery: { mode: 'initial' },
	// Every React Router v8 behaviour, opted into now (the app is ready for
	// each; see docs/development.md "React Router v8 flags").
	future: {
		// Root middleware: CSRF guard and once-per-request session resolution.
		v8_middleware: true,
		// Route modules split into their parts, so a clientLoader/clientAction
		// can load before the component.
		v8_splitRouteModules: true,
		// The build through Vite's Environment API.
		v8_viteEnvironmentApi: true,
		// Loaders, actions and middleware get the HTTP request as it came
		// (single-fetch ".data" URLs included): code that needs the page's
		// path strips the suffix (loginRedirectUrl, isPrivateResponse) or
		// reads only the query or the host.
		v8_passThroughRequests: true,
		// "/a/" asks for "/a/_.data" (and "/" for "/_.data", not "/_root.data").
		v8_trailingSlashAwareDataRequests: true,
	},
} satisfies Config
