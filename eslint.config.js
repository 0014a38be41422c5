// ESLint: TypeScript, React hooks, no import cycles, and the boundaries the
// architecture draws (see docs/development.md "Layout"). Formatting is Prettier's job.
import js from '@eslint/js'
import importX from 'eslint-plugin-import-x'
import reactHooks from 'eslint-plugin-react-hooks'
import globals from 'globals'
import tseslint from 'typescript-eslint'

const serverOnly = {
	regex: '\\.server(\\.tsx?)?$',
	message: 'Client code must not import *.server.ts modules: only loaders, actions and other server modules may.',
}

const noTests = { regex: '^(#tests/|(\\.\\./)+tests/)', message: 'Production code must not import tests/.' }

const noRoutesInLib = {
	regex: '^(#app/routes/|(\\.\\./)+routes/)',
	message: 'app/lib must not import route modules (app/routes): move what both need into app/lib.',
}

export default tseslint.config(
	{
		ignores: [
			'build/**',
			'build-*/**',
			'bench/.build/**',
			'bench/bare-app/.react-router/**',
			'.react-router/**',
			'.data/**',
			'node_modules/**',
			'test-results/**',
			'playwright-report/**',
			'blob-report/**',
			'drizzle/**/meta/**',
		],
	},
	js.configs.recommended,
	...tseslint.configs.recommended,
	{
		languageOptions: {
			ecmaVersion: 2023,
			sourceType: 'module',
			globals: { ...globals.node, ...globals.browser },
		},
		plugins: { 'import-x': importX, 'react-hooks': reactHooks },
		settings: {
			'import-x/resolver-next': [importX.createNodeResolver({ extensions: ['.ts', '.tsx', '.js', '.mjs'] })],
		},
		rules: {
			...reactHooks.configs.recommended.rules,
			'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
			'import-x/no-cycle': ['error', { ignoreExternal: true }],
			'@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
			'@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
		},
	},
	// The task API is its own service: it never reaches into the app or the tests.
	{
		files: ['server/**'],
		rules: {
			'no-restricted-imports': [
				'error',
				{
					patterns: [
						{ regex: '^(#app/|(\\.\\./)+app/)', message: 'server/ (the task API) must not import app/ code.' },
						{ regex: '^(#tests/|(\\.\\./)+tests/)', message: 'Production code must not import tests/.' },
					],
				},
			],
		},
	},
	// Production code never imports test helpers.
	{
		files: ['app/**', 'common/**', 'app-server.ts'],
		ignores: ['**/*.test.ts', '**/*.test.tsx'],
		rules: {
			'no-restricted-imports': [
				'error',
				{ patterns: [{ regex: '^(#tests/|(\\.\\./)+tests/)', message: 'Production code must not import tests/.' }] },
			],
		},
	},
	// Client code (everything of the app that is not server-only and not a route module):
	// route modules may import *.server.ts because React Router strips loaders and actions.
	{
		files: ['app/**/*.ts', 'app/**/*.tsx'],
		ignores: ['app/**/*.server.ts', 'app/**/*.test.ts', 'app/**/*.test.tsx', 'app/routes/**', 'app/root.tsx', 'app/entry.server.tsx'],
		rules: {
			'no-restricted-imports': [
				'error',
				{ patterns: [serverOnly, { regex: '^(#tests/|(\\.\\./)+tests/)', message: 'Production code must not import tests/.' }] },
			],
		},
	},
	// Components are shared by routes; they never import a route module, nor server-only code.
	{
		files: ['app/components/**'],
		rules: {
			'no-restricted-imports': [
				'error',
				{
					patterns: [
						{ regex: '^(#app/routes/|(\\.\\./)+routes/)', message: 'Components must not import route modules.' },
						serverOnly,
						{ regex: '^(#tests/|(\\.\\./)+tests/)', message: 'Production code must not import tests/.' },
					],
				},
			],
		},
	},
	// app/lib is what the routes build on: it never reaches up into a route module
	// (a test may use a route's schema or middleware as its fixture). Its client
	// modules keep the client rule above too (a later block replaces the options).
	{
		files: ['app/lib/**'],
		ignores: ['**/*.test.ts', '**/*.test.tsx'],
		rules: { 'no-restricted-imports': ['error', { patterns: [noRoutesInLib, noTests] }] },
	},
	{
		files: ['app/lib/**/*.ts', 'app/lib/**/*.tsx'],
		ignores: ['app/**/*.server.ts', '**/*.test.ts', '**/*.test.tsx'],
		rules: { 'no-restricted-imports': ['error', { patterns: [noRoutesInLib, serverOnly, noTests] }] },
	},
	{
		// Playwright fixtures are functions named `use`-something and take `{}` when they need no fixture.
		files: ['tests/e2e/**'],
		rules: { 'react-hooks/rules-of-hooks': 'off', 'no-empty-pattern': 'off' },
	},
	{
		files: ['tests/**', '**/*.test.ts'],
		rules: { '@typescript-eslint/no-explicit-any': 'off' },
	},
)
