/** The bare baseline's document: the same shell as Taskwell's root layout (signed in). */
import { Form, Link, Links, Meta, Outlet, Scripts, ScrollRestoration } from 'react-router'

export const links = () => [
	{ rel: 'icon', href: '/favicon.svg', type: 'image/svg+xml' },
	{ rel: 'apple-touch-icon', href: '/icon-192.png' },
	{ rel: 'manifest', href: '/site.webmanifest' },
]

export function Layout({ children }: { children: React.ReactNode }) {
	return (
		<html lang="en">
			<head>
				<meta charSet="utf-8" />
				<meta name="viewport" content="width=device-width, initial-scale=1" />
				<meta name="theme-color" media="(prefers-color-scheme: light)" content="#ffffff" />
				<meta name="theme-color" media="(prefers-color-scheme: dark)" content="#1a201d" />
				<meta name="color-scheme" content="light dark" />
				<Meta />
				<Links />
			</head>
			<body>
				<a className="skip-link" href="#main">
					Skip to content
				</a>
				<header className="site-header">
					<Link to="/tasks" className="brand">
						Taskwell
					</Link>
					<nav aria-label="Account">
						<bdi className="signed-in-as">Bench User</bdi>
						<Link to="/settings">Settings</Link>
						<Form method="post" action="/logout" className="inline-form">
							<button type="submit" className="button-link">
								Sign out
							</button>
						</Form>
					</nav>
				</header>
				<main id="main">
					<div className="flash-region" aria-live="polite" />
					{children}
				</main>
				<ScrollRestoration />
				<Scripts />
			</body>
		</html>
	)
}

export default function App() {
	return <Outlet />
}
