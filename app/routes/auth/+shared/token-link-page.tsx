/**
 * The page an emailed link opens: a button whose POST uses the link's token
 * (in a hidden field), or what went wrong, or how to get a link.
 */
import type { ReactNode } from 'react'
import { Form } from 'react-router'
import { SubmitButton } from '#app/components/forms.tsx'

export function TokenLinkPage({
	title,
	token,
	problem,
	afterProblem,
	prompt,
	button,
	pendingText,
	noToken,
}: {
	title: string
	token: string | null
	problem: string | undefined
	afterProblem: ReactNode
	prompt: string
	button: string
	pendingText: string
	noToken: ReactNode
}) {
	return (
		<section className="card narrow">
			<h1>{title}</h1>
			{problem ? (
				<p role="alert">
					{problem} {afterProblem}
				</p>
			) : token ? (
				<Form method="post">
					<p>{prompt}</p>
					<input type="hidden" name="token" value={token} />
					<SubmitButton pendingText={pendingText}>{button}</SubmitButton>
				</Form>
			) : (
				<p>{noToken}</p>
			)}
		</section>
	)
}
