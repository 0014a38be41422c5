/**
 * The fixed security headers (nosniff, Referrer-Policy,
 * Cross-Origin-Opener-Policy, X-Frame-Options, HSTS on https): set once, on
 * every response, by the HTTP server (app-server.ts, in dev and production)
 * through helmet, whatever produced the response. The CSP is not among them:
 * each response gets its own (csp.server.ts).
 *
 * No database or auth imports here: app-server.ts bundles this file too.
 */
import type { HelmetOptions } from 'helmet'

/**
 * helmet's options for the headers every response of the app carries,
 * whatever produced it: exactly these, nothing helmet would add by default.
 * X-Content-Type-Options: nosniff, Referrer-Policy:
 * strict-origin-when-cross-origin (a page may set a stricter one),
 * Cross-Origin-Opener-Policy: same-origin, X-Frame-Options: DENY, and on
 * https Strict-Transport-Security: max-age=31536000; includeSubDomains.
 * The CSP is not among them: each response gets its own (see above).
 */
export function fixedSecurityHeaders({ https = false } = {}): HelmetOptions {
	return {
		contentSecurityPolicy: false,
		crossOriginEmbedderPolicy: false,
		crossOriginOpenerPolicy: { policy: 'same-origin' },
		crossOriginResourcePolicy: false,
		originAgentCluster: false,
		referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
		strictTransportSecurity: https ? { maxAge: 31_536_000, includeSubDomains: true, preload: false } : false,
		xContentTypeOptions: true,
		xDnsPrefetchControl: false,
		xDownloadOptions: false,
		xFrameOptions: { action: 'deny' },
		xPermittedCrossDomainPolicies: false,
		// Removes X-Powered-By.
		xPoweredBy: true,
		xXssProtection: false,
	}
}

/** The names of the headers above, which React Router's responses may override. */
export const FIXED_SECURITY_HEADER_NAMES = [
	'X-Content-Type-Options',
	'Referrer-Policy',
	'Cross-Origin-Opener-Policy',
	'X-Frame-Options',
	'Strict-Transport-Security',
] as const
