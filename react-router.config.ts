import type { Config } from '@react-router/dev/config'

export default {
	ssr: true,
	// BUILD_DIR lets parallel checkouts build side by side (default: build).
	buildDirectory: process.env.BUILD_DIR ?? 'build',
	future: {
		// Root middleware: CSRF guard and once-per-request session resolution.
		v8_middleware: true,
	},
} satisfies Config
