/**
 * "Passkeys" in Settings: the list with rename and delete (plain POST
 * forms, no JavaScript needed) and "Add a passkey" (JavaScript only).
 */
import { Form } from 'react-router'
import { FormErrors, SubmitButton } from '#app/components/forms.tsx'
import { AddPasskeyForm } from '#app/components/passkeys.tsx'
import { SettingsSection } from './settings-kit.tsx'

export type PasskeyItem = { id: string; name: string; createdAt: string | null }

export function PasskeysSection({ passkeys, formErrors }: { passkeys: PasskeyItem[]; formErrors?: string[] }) {
	return (
		<SettingsSection id="passkeys" title="Passkeys">
			<p>Sign in with your device’s screen lock or a security key instead of your password and code.</p>
			<FormErrors errors={formErrors} />
			{passkeys.length === 0 ? (
				<p>You have no passkeys yet.</p>
			) : (
				<ul className="session-list" aria-label="Your passkeys">
					{passkeys.map((item) => (
						<li key={item.id} className="session-item">
							<p>
								<strong>
									<bdi>{item.name}</bdi>
								</strong>
							</p>
							<Form method="post" className="inline-form">
								<input type="hidden" name="id" value={item.id} />
								<label htmlFor={`passkey-rename-${item.id}`}>New label for {item.name}</label>
								<input id={`passkey-rename-${item.id}`} name="name" type="text" maxLength={64} required defaultValue={item.name} />
								<SubmitButton name="intent" value="passkey-rename" className="button-secondary">
									Rename
								</SubmitButton>
							</Form>
							<Form method="post" className="inline-form">
								<input type="hidden" name="id" value={item.id} />
								<SubmitButton name="intent" value="passkey-delete" className="button-danger" aria-label={`Delete passkey ${item.name}`}>
									Delete
								</SubmitButton>
							</Form>
						</li>
					))}
				</ul>
			)}
			<AddPasskeyForm />
		</SettingsSection>
	)
}
