/**
 * /settings: one page, one loader, one action for every section (profile,
 * email, password, linked accounts, sessions, access tokens, two-factor,
 * passkeys, activity, delete account). One route rather than one per section (the
 * Epic Stack's routes/settings/profile/…) because the page is one document
 * with every section on it, as it was: each form posts to /settings with an
 * `intent`, works without JavaScript, and lands back on the same page with
 * its notice (?saved=…) or its errors beside the form; the URLs, redirects
 * and the page's JavaScript budget (scripts/bundle-size.mjs) stay as they
 * are. What varies by section is in +shared/: the components, the server
 * code of each section, the schemas, and the one intent table
 * (+shared/intents.server.ts) that the action runs.
 */
import type { SubmissionResult } from '@conform-to/react'
import { data, useLocation, useSearchParams } from 'react-router'
import type { Route } from './+types/index'
import { DeleteAccountSection, PasswordSection, ProfileSection, SessionsSection } from './+shared/sections.tsx'
import { ChangeEmailSection, LinkedAccountsSection } from './+shared/sign-in-methods.tsx'
import { SecurityActivitySection } from './+shared/security-activity.tsx'
import { TwoFactorSection, type TwoFactorActionView } from './+shared/two-factor.tsx'
import { PasskeysSection } from './+shared/passkeys.tsx'
import { AccessTokensSection, type AccessTokensAction } from './+shared/access-tokens.tsx'
import { runSettingsIntent } from './+shared/intents.server.ts'
import { linkableProviders, listLinkedAccounts } from './+shared/linked-accounts.server.ts'
import { emailChangeProofOf } from './+shared/email-change-code.server.ts'
import { listPasskeys } from './+shared/passkeys.server.ts'
import { listSessions } from './+shared/sessions.server.ts'
import { isTwoFactorEnabled, pendingTwoFactorSetup } from './+shared/two-factor.server.ts'
import {
	ACCESS_TOKEN_INTENTS,
	PASSKEY_INTENTS,
	TWO_FACTOR_INTENTS,
	type AccessTokenIntent,
	type PasskeyIntent,
	type SettingsIntent,
	type TwoFactorIntent,
} from './+shared/schemas-plain.ts'
import { logger } from '#app/lib/logger.server.ts'
import { listRecentSecurityEvents } from '#app/lib/auth/security-events.server.ts'
import { listAccessTokens } from '#app/lib/access-tokens/tokens.server.ts'
import { userContext } from '#app/context.server.ts'
import { workspacesOf } from '#app/routes/workspaces/+shared/workspace.server.ts'
import { routeHeaders } from '#app/lib/http/route-headers.ts'
import { Notice } from '#app/components/notice.tsx'

export const meta: Route.MetaFunction = () => [{ title: 'Settings · Taskwell' }]

/** A throttled form's 429 keeps its Retry-After (Cache-Control: see isPrivateResponse). */
export const headers = routeHeaders()

const SAVED: Record<string, string> = {
	name: 'Your name has been saved.',
	password: 'Your password has been changed.',
	'two-factor-off': 'Two-factor authentication is off.',
	'two-factor-cancelled': 'Two-factor setup was cancelled: nothing was turned on.',
	'passkey-renamed': 'Your passkey has been renamed.',
	'passkey-deleted': 'Your passkey has been deleted.',
	'password-everywhere': 'Your password has been changed and your other devices have been signed out.',
	session: 'That session has been signed out.',
	sessions: 'All your other sessions have been signed out.',
	'token-revoked': 'The token has been revoked.',
	'command-line-revoked': 'The command line has been signed out.',
}

/** The message of a ?saved= code; an own-property check, so `__proto__` or `toString` is no message. */
function savedMessage(code: string | null): string | undefined {
	return code !== null && Object.hasOwn(SAVED, code) ? SAVED[code] : undefined
}

export async function loader({ request, context }: Route.LoaderArgs) {
	const current = context.get(userContext)
	// An admin acting as the user sees no credential forms (the action refuses them too: INTENTS_WHILE_ACTING).
	const acting = Boolean(current.session.impersonatedBy)
	const [sessions, securityEvents, twoFactorEnabled, accessTokens, tokenWorkspaces] = await Promise.all([
		listSessions(current),
		listRecentSecurityEvents(current.user.id),
		isTwoFactorEnabled(current.user.id),
		// No secret: a token's is only in the answer to the POST that made it.
		listAccessTokens(current.user.id),
		acting ? [] : workspacesOf(current.user.id).then((found) => found.map(({ id, name }) => ({ id, name }))),
	])
	const passkeys = await listPasskeys(current.user.id)
	// A setup waiting for its first code: the same secret and QR code on every load.
	const pendingSetup = twoFactorEnabled || acting ? null : await pendingTwoFactorSetup(current)
	// An unknown ?saved= code: the page without a message, as a 400.
	const saved = new URL(request.url).searchParams.get('saved')
	const unknownSaved = saved !== null && !savedMessage(saved)
	if (unknownSaved) logger.warn({ path: '/settings', saved: saved.slice(0, 64) }, 'unknown settings notice code')
	// The sign-in methods, and so how an email change is proved (a password account gives its password).
	const linkedAccounts = await listLinkedAccounts(current.user.id)
	const withPassword = linkedAccounts.some((account) => account.providerId === 'credential')
	return data(
		{
			user: {
				name: current.user.name,
				email: current.user.email,
				timeZone: current.user.timeZone,
				emailVerified: current.user.emailVerified !== false,
			},
			sessions: sessions.map(({ createdAt: _createdAt, ...session }) => session),
			linkedAccounts,
			linkableProviders: linkableProviders(linkedAccounts),
			emailChangeProof: await emailChangeProofOf(current, withPassword),
			securityEvents,
			twoFactorEnabled,
			twoFactorSetup: pendingSetup ? { secret: pendingSetup.secret, qrSvg: pendingSetup.qrSvg } : null,
			passkeys,
			accessTokens,
			tokenWorkspaces,
			acting,
			now: Date.now(),
		},
		{ status: unknownSaved ? 400 : 200 },
	)
}

/** Every form of the page: its intent, looked up in one table (+shared/intents.server.ts). */
export async function action({ request, context }: Route.ActionArgs) {
	return runSettingsIntent(request, context, context.get(userContext), await request.formData())
}

export default function Settings({ loaderData, actionData }: Route.ComponentProps) {
	const [searchParams] = useSearchParams()
	const location = useLocation()
	const saved = savedMessage(searchParams.get('saved'))
	const resultFor = (intent: SettingsIntent) => (actionData?.intent === intent ? actionData.result : undefined)
	const sessionErrors = (['revoke-session', 'revoke-other-sessions'] as const).map((intent) => resultFor(intent)?.error?.['']).find(Boolean)
	const accessTokens = (
		<AccessTokensSection
			tokens={loaderData.accessTokens.tokens}
			commandLines={loaderData.accessTokens.commandLines}
			workspaces={loaderData.tokenWorkspaces}
			acting={loaderData.acting}
			action={
				actionData && ACCESS_TOKEN_INTENTS.includes(actionData.intent as AccessTokenIntent) ? (actionData as AccessTokensAction) : undefined
			}
		/>
	)
	return (
		<div className="settings">
			<h1>Settings</h1>
			<Notice tone="success">{saved}</Notice>
			<ProfileSection
				key={loaderData.user.name}
				name={loaderData.user.name}
				email={loaderData.user.email}
				timeZone={loaderData.user.timeZone}
				emailVerified={loaderData.user.emailVerified}
				lastResult={resultFor('update-name')}
			/>
			{loaderData.acting ? (
				<>
					<section aria-labelledby="acting-heading" className="settings-section">
						<h2 id="acting-heading">Sign-in and security</h2>
						<p>
							You are acting as this user: their email, password, sign-in methods, two-factor authentication, passkeys and backup codes, and
							deleting the account, are only for them.
						</p>
					</section>
					<SessionsSection sessions={loaderData.sessions} formErrors={sessionErrors ?? undefined} />
					{accessTokens}
					<SecurityActivitySection events={loaderData.securityEvents} now={loaderData.now} />
				</>
			) : (
				<>
					<ChangeEmailSection email={loaderData.user.email} proof={loaderData.emailChangeProof} actionData={actionData} />
					{/* A new form after each visit: with JavaScript, a successful change
					    (a redirect to this page) leaves no password in the fields. */}
					<PasswordSection key={location.key} lastResult={resultFor('change-password')} />
					<LinkedAccountsSection
						linkedAccounts={loaderData.linkedAccounts}
						linkableProviders={loaderData.linkableProviders}
						actionData={actionData}
					/>
					<SessionsSection sessions={loaderData.sessions} formErrors={sessionErrors ?? undefined} />
					{accessTokens}
					<OwnerOnlySections loaderData={loaderData} actionData={actionData} resultFor={resultFor} />
				</>
			)}
		</div>
	)
}

/** The sections only the account's owner sees (never an admin acting as them). */
function OwnerOnlySections({
	loaderData,
	actionData,
	resultFor,
}: {
	loaderData: Route.ComponentProps['loaderData']
	actionData: Route.ComponentProps['actionData']
	resultFor: (intent: SettingsIntent) => SubmissionResult<string[]> | undefined
}) {
	return (
		<>
			<TwoFactorSection
				enabled={loaderData.twoFactorEnabled}
				setup={loaderData.twoFactorSetup}
				action={
					actionData && TWO_FACTOR_INTENTS.includes(actionData.intent as TwoFactorIntent) ? (actionData as TwoFactorActionView) : undefined
				}
			/>
			<PasskeysSection
				passkeys={loaderData.passkeys}
				formErrors={
					actionData && PASSKEY_INTENTS.includes(actionData.intent as PasskeyIntent)
						? (actionData.result?.error?.[''] ?? undefined)
						: undefined
				}
			/>
			<SecurityActivitySection events={loaderData.securityEvents} now={loaderData.now} />
			<DeleteAccountSection lastResult={resultFor('delete-account')} />
		</>
	)
}
