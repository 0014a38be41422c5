/**
 * Whether this form is submitting: the navigation in flight posts to this
 * route's action (or `formAction`) with this method and, when given, this
 * `intent`. Another form on the page (the header's "Sign out", another
 * settings section) does not make this one look busy. The Epic Stack's
 * `useIsPending` (app/utils/misc.tsx), plus the intent.
 */
import { useFormAction, useNavigation } from 'react-router'

type FormMethod = 'POST' | 'GET' | 'PUT' | 'PATCH' | 'DELETE'

export function useIsPending({
	formAction,
	formMethod = 'POST',
	intent,
	state = 'non-idle',
}: {
	formAction?: string
	formMethod?: FormMethod
	/** Only a submission whose `intent` field has this value. */
	intent?: string
	/** `non-idle` (default) also covers loading the page a successful post redirects to. */
	state?: 'submitting' | 'loading' | 'non-idle'
} = {}): boolean {
	const contextualFormAction = useFormAction(formAction)
	const navigation = useNavigation()
	const inState = state === 'non-idle' ? navigation.state !== 'idle' : navigation.state === state
	return (
		inState &&
		navigation.formMethod === formMethod &&
		navigation.formAction === contextualFormAction &&
		(intent === undefined || navigation.formData?.get('intent') === intent)
	)
}
