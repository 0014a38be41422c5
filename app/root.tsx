import { data, isRouteErrorResponse, Link, Links, Outlet, Scripts, ScrollRestoration, useLocation, useRouteLoaderData } from 'react-router'
import type { Route } from './+types/root'
import { FlashRegion } from '#app/components/flash-region.tsx'
import { FirstInvalidField } from '#app/components/forms.tsx'
import { useNonce } from '#app/components/nonce.tsx'
import { PageMeta } from '#app/components/page-meta.tsx'
import { readFlash } from '#app/lib/flash.server.ts'
import { logger } from '#app/lib/logger.server.ts'
import { notFoundMessage } from '#app/lib/task-lists.ts'
import { SignOutForm } from '#app/components/sign-out-form.tsx'
import { TroublePage } from '#app/components/trouble-page.tsx'
import { WorkspaceSwitcher } from '#app/components/workspace-switcher.tsx'
import { switcherWorkspacesOf } from '#app/routes/workspaces/+shared/workspace.server.ts'
import { formBodyMiddleware } from '#app/lib/http/request-guards.server.ts'
import { createRequestLogUserMiddleware } from '#app/lib/http/request-log.server.ts'
import { responseHeadersMiddleware } from '#app/lib/http/response-headers.server.ts'
import { getCurrentSession, getUser, sessionMiddleware } from '#app/lib/auth/session.server.ts'
import { ActingBanner } from '#app/components/acting-banner.tsx'
import { TROUBLE_MESSAGE, TROUBLE_TITLE } from '#app/lib/http/trouble.ts'
import stylesUrl from './styles.css?url'

// The user id for the request log line, read once the response is made;
// then the response headers (CSP, Cache-Control), so even a refused request
// gets them; then the refusal of bodies that are not forms. Cross-site
// POSTs, other methods and oversized bodies never get here: the HTTP server
// (app-server.ts) refuses them.
export const middleware: Route.MiddlewareFunction[] = [
	createRequestLogUserMiddleware({
		userIdOf: async (request, context) => (await getUser(request, context))?.id,
	}),
	responseHeadersMiddleware,
	formBodyMiddleware,
	sessionMiddleware,
]

export const links: Route.LinksFunction = () => [
	{ rel: 'stylesheet', href: stylesUrl },
	{ rel: 'icon', href: '/favicon.svg', type: 'image/svg+xml' },
	{ rel: 'apple-touch-icon', href: '/icon-192.png' },
	{ rel: 'manifest', href: '/site.webmanifest' },
]

/** The title of an error page (a route's own meta replaces this one). */
export const meta: Route.MetaFunction = ({ error }) => [{ title: `${error ? errorText(error).title : 'Taskwell'} · Taskwell` }]

export async function loader({ request, context }: Route.LoaderArgs) {
	const current = await getCurrentSession(request, context)
	const user = current?.user ?? null
	// An admin acting as this user: every page says so (ActingBanner), with "Stop acting".
	const acting = current?.session.impersonatedBy ? { name: current.user.name, email: current.user.email } : null
	// The one-time notice of the last action, cleared by this render.
	const { flash, headers } = await readFlash(request)
	if (flash?.undo && flash.undo.until <= Date.now()) delete flash.undo
	// Only what the layout shows: never the session, a token or a cookie.
	// (Cache-Control: no-store for a signed-in user comes from the security
	// headers middleware, for every response: see isPrivateResponse.)
	// The header's switcher: the workspaces the user belongs to (names and slugs only).
	// A failed read leaves the switcher with the personal list only: the page itself still renders (or reports its own trouble).
	const workspaces = user
		? await switcherWorkspacesOf(request, context, user.id).then(
				(found) => found.map(({ slug, name }) => ({ slug, name })),
				(error: unknown) => {
					logger.warn({ err: error }, 'could not read the workspaces for the switcher')
					return []
				},
			)
		: []
	return data(
		{ user: user ? { name: user.name, isAdmin: user.role === 'admin' && !acting } : null, acting, workspaces, flash },
		headers ? { headers } : undefined,
	)
}

export function Layout({ children }: { children: React.ReactNode }) {
	const rootData = useRouteLoaderData<typeof loader>('root')
	const user = rootData?.user ?? null
	const nonce = useNonce()
	// The home page has its own sign-up call to action: one is enough.
	const onHome = useLocation().pathname === '/'
	return (
		<html lang="en">
			<head>
				<meta charSet="utf-8" />
				<meta name="viewport" content="width=device-width, initial-scale=1" />
				{/* The header's colour (--surface) in each scheme. */}
				<meta name="theme-color" media="(prefers-color-scheme: light)" content="#ffffff" />
				<meta name="theme-color" media="(prefers-color-scheme: dark)" content="#1a201d" />
				<meta name="color-scheme" content="light dark" />
				<PageMeta />
				<Links nonce={nonce} />
			</head>
			<body>
				<a className="skip-link" href="#main">
					Skip to content
				</a>
				<header className="site-header">
					<Link to={user ? '/tasks' : '/'} className="brand">
						Taskwell
					</Link>
					<nav aria-label="Account">
						{user ? (
							<>
								<WorkspaceSwitcher workspaces={rootData?.workspaces ?? []} />
								<bdi className="signed-in-as">{user.name}</bdi>
								{user.isAdmin ? <Link to="/admin">Admin</Link> : null}
								<Link to="/settings">Settings</Link>
								<SignOutForm />
							</>
						) : (
							<>
								<Link to="/login">Sign in</Link>
								{onHome ? null : (
									<Link to="/signup" className="button button-secondary">
										Sign up
									</Link>
								)}
							</>
						)}
					</nav>
				</header>
				{rootData?.acting ? <ActingBanner name={rootData.acting.name} email={rootData.acting.email} /> : null}
				<main id="main">
					<FlashRegion flash={rootData?.flash ?? null} />
					<FirstInvalidField>{children}</FirstInvalidField>
				</main>
				<ScrollRestoration nonce={nonce} />
				<Scripts nonce={nonce} />
			</body>
		</html>
	)
}

export default function App() {
	return <Outlet />
}

function errorText(error: unknown): { title: string; message: string } {
	if (isRouteErrorResponse(error)) {
		if (error.status === 404) return { title: 'Page not found', message: notFoundMessage(error.data) }
		// The database behind sessions is down (lib/http/trouble.ts), or another 503.
		if (error.status === 503)
			return { title: TROUBLE_TITLE, message: typeof error.data === 'string' && error.data ? error.data : TROUBLE_MESSAGE }
		return {
			title: `${error.status} ${error.statusText || 'Error'}`,
			message: typeof error.data === 'string' && error.data ? error.data : 'An unexpected error occurred. Please try again.',
		}
	}
	return { title: 'Something went wrong', message: 'An unexpected error occurred. Please try again.' }
}

export function ErrorBoundary({ error }: Route.ErrorBoundaryProps) {
	const { title, message } = errorText(error)
	if (isRouteErrorResponse(error) && error.status === 503) return <TroublePage message={message} />
	return (
		<section className="card narrow">
			<h1>{title}</h1>
			<p>{message}</p>
			<p>
				<Link to="/">Go to the home page</Link>
			</p>
		</section>
	)
}
