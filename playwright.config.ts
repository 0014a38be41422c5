import { existsSync } from 'node:fs'
import { defineConfig, devices } from '@playwright/test'

// The production build (npm run build) of both services, started on a fresh
// database by tests/e2e/serve.mjs. Ports can be moved with E2E_PORT.
const port = Number(process.env.E2E_PORT ?? 3100)
const apiPort = Number(process.env.E2E_API_PORT ?? port + 1)
const baseURL = `http://localhost:${port}`
// A real OpenID Connect provider (tests/e2e/oidc-provider.mjs) on loopback,
// which the app under test offers as "Continue with Test SSO".
const OIDC_TEST = {
	OIDC_ISSUER: `http://127.0.0.1:${port + 70}`,
	OIDC_CLIENT_ID: 'taskwell-e2e',
	OIDC_CLIENT_SECRET: 'taskwell-e2e-client-secret-0123456789',
	OIDC_PROVIDER_NAME: 'Test SSO',
}

// Debian's Chromium when installed (CI here cannot download browsers),
// otherwise Playwright's own.
const systemChromium = '/usr/bin/chromium'
// Chromium's full browser runs headless here (Debian has no headless shell),
// and every context is a window of its own: each one used to start two
// omnibox-popup WebUI renderers (prewarmed for a toolbar nobody sees) and a
// spare renderer. Turning them off cut the browsers' CPU time by about a
// quarter (docs/testing.md, "Where Playwright's time goes"). A second
// --disable-features replaces Playwright's, so its own list
// (playwright-core's chromiumSwitches, 1.65) is repeated first.
const PLAYWRIGHT_DISABLED_FEATURES = [
	'AimEnabled',
	'AvoidCorsURLLoaderRestartOnRedirect',
	'AvoidUnnecessaryBeforeUnloadCheckSync',
	'DestroyProfileOnBrowserClose',
	'HttpsFirstBalancedModeAutoEnable',
	'HttpsUpgrades',
	'LensOverlay',
	'MediaRouter',
	'NetworkTimeServiceQuerying',
	'OptimizationHints',
	'PaintHolding',
	'PreconnectToSearch',
	'ThirdPartyStoragePartitioning',
]
const UNSEEN_BROWSER_UI = [
	'WebUIOmniboxPopup',
	'WebUIOmniboxAimPopup',
	'WebUIOmniboxFullPopup',
	'PreloadTopChromeWebUI',
	'SpareRendererForSitePerProcess',
]
const launchOptions = {
	...(existsSync(systemChromium) ? { executablePath: systemChromium } : {}),
	args: [
		'--no-sandbox',
		'--disable-background-networking',
		'--disable-component-update',
		`--disable-features=${[...PLAYWRIGHT_DISABLED_FEATURES, ...UNSEEN_BROWSER_UI].join(',')}`,
	],
}

export default defineConfig({
	testDir: './tests/e2e',
	// A directory for the run's axe claims (each page state is checked once per project).
	globalSetup: './tests/e2e/global-setup.ts',
	fullyParallel: true,
	forbidOnly: !!process.env.CI,
	// In CI one retry, so a test that fails once under load is reported as flaky, not as a failure; a test that fails twice still fails the run.
	retries: process.env.CI ? 1 : 0,
	workers: 2,
	// The longest flows take up to a minute on a slow 2-core machine under the suite's load.
	timeout: 120_000,
	expect: { timeout: 10_000 },
	// The HTML report (playwright-report/, CI included) holds every page's screenshots, light from the no-js project and dark from the js one (pages.spec.ts).
	reporter: [['list'], ['html', { open: 'never' }]],
	use: {
		baseURL,
		// A trace (DOM snapshots and a screencast of every step) costs the browser CPU on every test: recorded on the retry of a test that failed once.
		trace: 'on-first-retry',
		launchOptions,
	},
	// Which specs run where (docs/testing.md):
	// - `*.spec.ts`: both projects; what a page does must work with and without JavaScript.
	// - `*.js-only.spec.ts`: the js project only; they test what scripts do (CSP violations, pending states, passkeys).
	// - `*.server.spec.ts`: the no-js project only; they test what the servers answer (headers, refusals,
	//   logs, sessions, restarts), which no script in the browser changes, so a second run would test nothing new.
	projects: [
		{
			name: 'no-js',
			use: { ...devices['Desktop Chrome'], javaScriptEnabled: false, launchOptions },
			testIgnore: /\.js-only\.spec\.ts$/,
		},
		{
			name: 'js',
			use: { ...devices['Desktop Chrome'], javaScriptEnabled: true, launchOptions },
			testIgnore: /\.server\.spec\.ts$/,
		},
	],
	webServer: [
		{
			command: 'node tests/e2e/oidc-provider.mjs',
			url: `${OIDC_TEST.OIDC_ISSUER}/.well-known/openid-configuration`,
			timeout: 30_000,
			reuseExistingServer: false,
			stdout: 'ignore',
			stderr: 'ignore',
			env: { ...OIDC_TEST, OIDC_APP_URL: baseURL },
		},
		{
			command: 'node tests/e2e/serve.mjs',
			// The API is ready once its database answers and it can load the app's
			// signing keys, i.e. once both services are up.
			url: `http://127.0.0.1:${apiPort}/readyz`,
			timeout: 120_000,
			// SIGTERM, not Playwright's default SIGKILL: serve.mjs stops both services and drops its database.
			gracefulShutdown: { signal: 'SIGTERM', timeout: 20_000 },
			reuseExistingServer: false,
			stdout: 'ignore',
			stderr: 'pipe',
			env: {
				E2E_PORT: String(port),
				E2E_API_PORT: String(apiPort),
				...OIDC_TEST,
				// Device sign-in codes expire in 40 s, so the command line's expired code is seen (tests/e2e/cli.server.spec.ts).
				DEVICE_CODE_SECONDS: '40',
				// Admins per project, each bootstrapped by its own test (ADMIN_SLOTS in tests/e2e/admin-steps.ts).
				ADMIN_EMAILS: ['no-js', 'js']
					.flatMap((project) => ['one', 'two', 'providers', 'passkeys'].map((slot) => `admin-${slot}-${project}@example.com`))
					.join(','),
			},
		},
	],
})
