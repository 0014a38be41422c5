import type { Config } from '@react-router/dev/config'

export default {
	ssr: true,
	future: {
		// Root middleware: CSRF guard and once-per-request session resolution.
		v8_middleware: true,
	},
} satisfies Config
