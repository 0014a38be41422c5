import { Link, useSearchParams } from 'react-router'
import type { Route } from './+types/home'
import { requireAnonymous } from '#app/lib/auth/session.server.ts'
import { Notice } from '#app/components/notice.tsx'

export const meta: Route.MetaFunction = () => [
	{ title: 'Taskwell — a calm to-do list for everyday things' },
	{
		name: 'description',
		content: 'Write down what you need to do, see what is due today and what is overdue, and tick it off. On your phone or your computer.',
	},
]

export async function loader({ request, context }: Route.LoaderArgs) {
	await requireAnonymous(request, context)
	return null
}

/** Notices shown after a redirect here (post/redirect/get), looked up as own properties. */
const NOTICES: Record<string, string> = {
	deleted: 'Your account was deleted.',
}

function noticeOf(searchParams: URLSearchParams): string | undefined {
	return Object.keys(NOTICES).find((code) => searchParams.get(code) === '1' && Object.hasOwn(NOTICES, code))
}

const ROWS = [
	{ title: 'Renew the car insurance', due: 'Overdue · 2 days', tone: 'overdue', done: false },
	{ title: 'Call the dentist', due: 'Today', tone: 'today', done: false },
	{ title: 'Buy a birthday card for Sam', due: 'Tomorrow', tone: 'soon', done: false },
	{ title: 'Water the plants', due: '', tone: '', done: true },
] as const

/** A picture of the tasks page, drawn with the page's own colours (light and dark). */
function ProductPicture() {
	return (
		<figure className="product-picture">
			<svg viewBox="0 0 360 236" role="img" aria-labelledby="product-picture-title" focusable="false">
				<title id="product-picture-title">
					The Taskwell task list: an overdue task, one due today, one due tomorrow, and a task ticked off.
				</title>
				<rect className="pp-surface" x="1" y="1" width="358" height="234" rx="10" />
				<text className="pp-heading" x="20" y="34">
					Tasks
				</text>
				<rect className="pp-input" x="20" y="48" width="228" height="30" rx="5" />
				<text className="pp-placeholder" x="30" y="68">
					What do you need to do?
				</text>
				<rect className="pp-button" x="256" y="48" width="84" height="30" rx="5" />
				<text className="pp-button-text" x="298" y="68" textAnchor="middle">
					Add task
				</text>
				{ROWS.map((row, index) => {
					const y = 96 + index * 34
					return (
						<g key={row.title} className={row.done ? 'pp-done' : undefined}>
							{index > 0 ? <line className="pp-rule" x1="20" x2="340" y1={y - 6} y2={y - 6} /> : null}
							<rect className="pp-box" x="20" y={y + 4} width="16" height="16" rx="3" />
							{row.done ? <path className="pp-check" d={`M23.5 ${y + 12} l3 3 l6 -6.5`} /> : null}
							<text className="pp-title" x="46" y={y + 17}>
								{row.title}
							</text>
							{row.due ? (
								<text className={`pp-due pp-${row.tone}`} x="340" y={y + 17} textAnchor="end">
									{row.due}
								</text>
							) : null}
						</g>
					)
				})}
			</svg>
		</figure>
	)
}

export default function Home() {
	const [searchParams] = useSearchParams()
	const notice = noticeOf(searchParams)
	return (
		<section className="hero">
			{notice ? <Notice tone="success">{NOTICES[notice]}</Notice> : null}
			<div className="hero-text">
				<h1>Everything you need to do, in one calm list</h1>
				<p className="lead">
					Taskwell is a simple to-do list. Write down what you need to do, give it a date if it has one, and tick it off when it is done.
					You see at a glance what is overdue, what is due today and what can wait.
				</p>
				<ul className="hero-points">
					<li>Works on your phone and your computer, in any browser.</li>
					<li>Nothing to install, no ads, free.</li>
					<li>Your list is private: only you can see it.</li>
				</ul>
				<p className="actions">
					<Link to="/signup" className="button button-large">
						Sign up
					</Link>
				</p>
				<p className="hint">
					Already have an account? <Link to="/login">Sign in</Link>
				</p>
			</div>
			<ProductPicture />
		</section>
	)
}
