/** The bare baseline's document: the same shell as Taskwell's root layout (signed in). */
import { Form, Link, Links, Meta, Outlet, Scripts, ScrollRestoration } from 'react-router'

export function Layout({ children }: { children: React.ReactNode }) {
	return (
		<html lang="en">
			<head>
				<meta charSet="utf-8" />
				<meta name="viewport" content="width=device-width, initial-scale=1" />
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
				<main id="main">{children}</main>
				<ScrollRestoration />
				<Scripts />
			</body>
		</html>
	)
}

export default function App() {
	return <Outlet />
}
