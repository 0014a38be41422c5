/**
 * The local outbox (SMTP_URL unset on a developer's machine): the messages
 * the app would have mailed, with their links. It does not exist in a
 * deployed app (404), nor for a request from another machine.
 */
import { data } from 'react-router'
import type { Route } from './+types/dev.outbox'
import { isLoopbackUrl } from '#common/env.ts'
import { firstLink, isOutboxEnabled, listOutbox } from '#app/lib/mail.server.ts'
import { clientIpContext } from '#app/context.server.ts'

export const meta: Route.MetaFunction = () => [{ title: 'Local outbox · Taskwell' }]

const PRIVATE = { 'Cache-Control': 'no-store', 'Referrer-Policy': 'same-origin' }

export function headers() {
	return PRIVATE
}

function isLoopbackIp(ip: string | null) {
	if (ip === null) return true // the Vite dev server does not resolve one
	return ip === '::1' || ip.startsWith('127.') || ip.startsWith('::ffff:127.')
}

export async function loader({ request, context }: Route.LoaderArgs) {
	if (!isOutboxEnabled() || !isLoopbackUrl(request.url) || !isLoopbackIp(context.get(clientIpContext))) {
		throw new Response('Not found', { status: 404, headers: PRIVATE })
	}
	const messages = await listOutbox()
	return data(
		{
			messages: messages.map((message) => ({
				id: message.id,
				to: message.to,
				subject: message.subject,
				sentAt: message.sentAt,
				text: message.text,
				link: firstLink(message.text),
			})),
		},
		{ headers: PRIVATE },
	)
}

export default function Outbox({ loaderData }: Route.ComponentProps) {
	return (
		<section className="card">
			<h1>Local outbox</h1>
			<p>
				<code>SMTP_URL</code> is not set, so mail is kept here instead of being sent. This page exists only while the app runs locally.
				Newest first.
			</p>
			{loaderData.messages.length === 0 ? <p>No messages yet.</p> : null}
			{loaderData.messages.map((message) => (
				<article key={message.id} className="outbox-message" aria-labelledby={`m-${message.id}`}>
					<h2 id={`m-${message.id}`}>{message.subject}</h2>
					<p>
						To: <span className="outbox-to">{message.to}</span> · <time dateTime={message.sentAt}>{message.sentAt}</time>
					</p>
					{message.link ? (
						<p>
							<a href={message.link}>{message.link}</a>
						</p>
					) : null}
					<pre>{message.text}</pre>
				</article>
			))}
		</section>
	)
}
