/**
 * The "Continue with …" buttons of /login and /signup: one plain POST form
 * each (intent=provider), whose action answers 302 to the provider. The
 * form reloads the document, so the browser itself follows the redirect to
 * the provider, with JavaScript or without.
 */
import { Form } from 'react-router'
import { SubmitButton } from '#app/components/forms.tsx'
import { Notice } from '#app/components/notice.tsx'

export type ProviderButtonInfo = { id: string; name: string }

export function ProviderButtons({
	providers,
	redirectTo,
	error,
}: {
	providers: ProviderButtonInfo[]
	redirectTo: string
	error?: string | undefined
}) {
	if (providers.length === 0) return null
	return (
		<div className="providers">
			<Notice tone="error">{error}</Notice>
			{providers.map((provider) => (
				<Form key={provider.id} method="post" reloadDocument>
					<input type="hidden" name="provider" value={provider.id} />
					<input type="hidden" name="redirectTo" value={redirectTo} />
					<SubmitButton name="intent" value="provider" className="secondary">
						Continue with {provider.name}
					</SubmitButton>
				</Form>
			))}
		</div>
	)
}
