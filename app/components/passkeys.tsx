/**
 * Passkeys in the browser (WebAuthn needs JavaScript): the Better Auth
 * client with its passkey plugin drives the ceremony against the four open
 * passkey routes. Nothing here renders before hydration, so without
 * JavaScript no passkey button is shown and the rest of the page works.
 * The client loads when a passkey button is first used (passkey-client.ts).
 */
import { SUSPENDED_MESSAGE } from '#app/lib/auth/suspended.ts'
import { useState, useSyncExternalStore, type FormEvent } from 'react'
import { useRevalidator } from 'react-router'
import { Notice } from '#app/components/notice.tsx'

let authClient: Promise<(typeof import('./passkey-client.ts'))['authClient']> | undefined
/** The Better Auth client, imported on first use (null when it could not be loaded). */
async function loadAuthClient() {
	authClient ??= import('./passkey-client.ts').then((module) => module.authClient)
	try {
		return await authClient
	} catch {
		authClient = undefined
		return null
	}
}

const noSubscription = () => () => {}

/** True once hydrated in a browser that has WebAuthn (false on the server and while hydrating). */
function useWebAuthn(): boolean {
	return useSyncExternalStore(
		noSubscription,
		() => 'PublicKeyCredential' in window,
		() => false,
	)
}

/**
 * `rememberMeId`: the id of the sign-in form's "Remember me" checkbox, read
 * when the button is pressed and sent with the verify request, so that the
 * passkey sign-in is remembered (or not) like a password sign-in.
 */
export function SignInWithPasskey({ redirectTo, rememberMeId }: { redirectTo: string; rememberMeId: string }) {
	const supported = useWebAuthn()
	const [error, setError] = useState<string | null>(null)
	const [pending, setPending] = useState(false)
	if (!supported) return null
	return (
		<div className="passkey-sign-in">
			{error ? (
				<p role="alert" className="form-errors">
					{error}
				</p>
			) : null}
			<button
				type="button"
				className="button-secondary"
				aria-disabled={pending || undefined}
				onClick={async () => {
					setPending(true)
					setError(null)
					const checkbox = document.getElementById(rememberMeId)
					const rememberMe = checkbox instanceof HTMLInputElement && checkbox.checked
					const client = await loadAuthClient()
					const result = client
						? await client.signIn.passkey(undefined, { query: { rememberMe: String(rememberMe) } })
						: { error: 'not loaded' }
					setPending(false)
					if (result?.error) {
						// Suspended by an admin: Better Auth's admin plugin says so (its code), the page in its own words.
						const code = typeof result.error === 'object' && result.error ? (result.error as { code?: unknown }).code : undefined
						setError(
							code === 'BANNED_USER'
								? SUSPENDED_MESSAGE
								: 'Signing in with a passkey did not work. Try again, or sign in with your password.',
						)
						return
					}
					window.location.assign(redirectTo.startsWith('/') && !redirectTo.startsWith('//') ? redirectTo : '/tasks')
				}}
			>
				{pending ? 'Waiting for your passkey…' : 'Sign in with a passkey'}
			</button>
		</div>
	)
}

export function AddPasskeyForm() {
	const supported = useWebAuthn()
	const revalidator = useRevalidator()
	const [error, setError] = useState<string | null>(null)
	const [status, setStatus] = useState<string | null>(null)
	if (!supported) return <p className="hint">Adding a passkey needs JavaScript and a browser that supports passkeys.</p>
	async function onSubmit(event: FormEvent<HTMLFormElement>) {
		event.preventDefault()
		const form = event.currentTarget
		const name = String(new FormData(form).get('name') ?? '').trim()
		if (!name || name.length > 64) {
			setError('Give the passkey a label of at most 64 characters')
			return
		}
		setError(null)
		const client = await loadAuthClient()
		const result = client ? await client.passkey.addPasskey({ name }) : { error: 'not loaded' }
		if (result?.error) {
			setError('The passkey could not be added. Try again.')
			return
		}
		form.reset()
		setStatus('Your passkey has been added.')
		await revalidator.revalidate()
	}
	return (
		<form onSubmit={onSubmit} noValidate aria-label="Add a passkey">
			{error ? (
				<p role="alert" className="form-errors">
					{error}
				</p>
			) : null}
			<Notice tone="success">{status}</Notice>
			<div className="field">
				<label htmlFor="passkey-name">Passkey label</label>
				<input id="passkey-name" name="name" type="text" maxLength={64} required placeholder="e.g. My laptop" />
			</div>
			<button type="submit">Add a passkey</button>
		</form>
	)
}
