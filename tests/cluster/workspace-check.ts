/**
 * The cluster test's workspace round (issue 21): a role change made through
 * one app instance is enforced on the very next request, whichever task-API
 * instance answers it.
 *
 * Two people, each on an app instance of their own (straight to its port,
 * not through HAProxy), use the real forms over plain HTTP: the owner (app1)
 * creates a workspace and invites the member, who signs up on app2,
 * confirms the address from the mail, accepts and adds a task (mail goes over SMTP to the test's own server). Then the owner
 * makes them a viewer through app1, and the
 * member's next adds through app2 (the app sends each to the task API
 * through HAProxy, which takes turns between api1 and api2) must all be
 * refused with the viewer's sentence, starting with the first.
 */
import { linkIn, type startSmtpSink } from '#tests/support/smtp-sink.ts'
import { Browser, expectRedirect, signUp } from './browser.ts'
import { formFields } from './virtual-user.ts'

const REFUSAL = "Viewers can't change tasks in this workspace."

/** The fields of the form around the first `marker` in the page (inputs as rendered). */
function formAround(html: string, marker: string): URLSearchParams {
	const at = html.indexOf(marker)
	if (at < 0) throw new Error(`no "${marker}" on the page`)
	const start = html.lastIndexOf('<form', at)
	const end = html.indexOf('</form>', at)
	const fields = formFields(`${html.slice(start, end).replace(/^<form\b/, '<form id="around"')}</form>`, 'around')
	if (!fields) throw new Error(`no form around "${marker}"`)
	return fields
}

type Mailbox = Awaited<ReturnType<typeof startSmtpSink>>

/** The path of the first link to `linkPath` in the next mail to `email` (after `since` messages). */
async function linkFromMail(mailbox: Mailbox, email: string, linkPath: string, since: number): Promise<string> {
	const link = new URL(linkIn(await mailbox.waitFor(email, { since, timeoutMs: 15_000 }), linkPath))
	return link.pathname + link.search
}

/** The add form of the workspace's list as rendered now (each with its own one-time key). */
async function openAddForm(browser: Browser, slug: string): Promise<URLSearchParams> {
	const page = await browser.get(`/w/${slug}/tasks`)
	const fields = formFields(page.html, 'add-task')
	if (!fields) throw new Error(`no add form on /w/${slug}/tasks (${page.status})`)
	return fields
}

function submitAdd(browser: Browser, slug: string, form: URLSearchParams, title: string) {
	const fields = new URLSearchParams(form)
	fields.set('title', title)
	return browser.post(`/w/${slug}/tasks`, fields)
}

export type WorkspaceRoundResult = {
	/** The member's adds after the downgrade: how each was answered (403 with the sentence, or what else). */
	refusedAdds: string[]
	/** ms from the owner's role change being answered to the member's first refused add being answered. */
	firstRefusalMs: number
	notes: string[]
}

export async function workspaceRound(options: {
	app1Url: string
	app2Url: string
	publicOrigin: string
	/** The SMTP server both app instances send through (SMTP_URL). */
	mailbox: Mailbox
	runId: string
	addsAfter: number
}): Promise<WorkspaceRoundResult> {
	const { runId } = options
	const notes: string[] = []
	const owner = new Browser(options.app1Url, options.publicOrigin)
	const member = new Browser(options.app2Url, options.publicOrigin)
	const ownerEmail = `cluster-${runId}-owner@example.test`
	const memberEmail = `cluster-${runId}-member@example.test`
	const password = `cluster-pass-${runId}`
	await signUp(owner, 'Olive Owner', ownerEmail, password)
	await signUp(member, 'Milo Member', memberEmail, password)

	// The owner (app1): a workspace, and an invitation for the member.
	const slug = `cluster-${runId}`
	const created = await owner.post('/workspaces/new', new URLSearchParams({ intent: 'create', name: `Cluster ${runId}`, slug }))
	expectRedirect('create workspace', created)
	expectRedirect(
		'invite',
		await owner.post(`/w/${slug}/members`, new URLSearchParams({ intent: 'invite', email: memberEmail, role: 'member' })),
	)
	const invitation = await linkFromMail(options.mailbox, memberEmail, '/invitations/', 0)

	// The member (app2): confirm the address from the invitation page, accept, add a task.
	await member.get(invitation)
	const mailsSoFar = options.mailbox.countTo(memberEmail)
	expectRedirect('send confirmation', await member.post(invitation, new URLSearchParams({ intent: 'send-verification' })))
	const confirm = await linkFromMail(options.mailbox, memberEmail, '/verify-email', mailsSoFar)
	const confirmPage = await member.get(confirm)
	expectRedirect('verify email', await member.post('/verify-email', formAround(confirmPage.html, 'Verify email')))
	expectRedirect('accept', await member.post(invitation, new URLSearchParams({ intent: 'accept' })))
	const first = await submitAdd(member, slug, await openAddForm(member, slug), `cluster-${runId}-member-1`)
	expectRedirect("member's add before the change", first)
	notes.push('owner on app1, member on app2: workspace created, invitation accepted, one add as a member')
	// Pages the member still has open when their role changes (tabs, each with its add form).
	const openForms: URLSearchParams[] = []
	for (let i = 0; i < options.addsAfter; i++) openForms.push(await openAddForm(member, slug))

	// The owner makes them a viewer (app1).
	const members = await owner.get(`/w/${slug}/members`)
	const row = members.html.slice(members.html.indexOf(memberEmail))
	const userId = /name="userId" value="([^"]+)"/.exec(row)?.[1]
	if (!userId) throw new Error("no change-role form for the member on the owner's members page")
	const changed = await owner.post(`/w/${slug}/members`, new URLSearchParams({ intent: 'change-role', userId, role: 'viewer' }))
	expectRedirect('change role', changed)
	const changedAt = performance.now()

	// The member's next adds (app2 → HAProxy → api1, api2, …): each refused.
	const refusedAdds: string[] = []
	let firstRefusalMs = Number.NaN
	for (const [i, form] of openForms.entries()) {
		const answer = await submitAdd(member, slug, form, `cluster-${runId}-member-${i + 2}`)
		if (Number.isNaN(firstRefusalMs)) firstRefusalMs = performance.now() - changedAt
		const said = answer.html.includes(REFUSAL) || answer.html.includes(REFUSAL.replace("'", '&#x27;'))
		refusedAdds.push(answer.status === 403 && said ? '403 refused' : `${answer.status}${said ? '' : ' without the sentence'}`)
	}
	return { refusedAdds, firstRefusalMs, notes }
}
