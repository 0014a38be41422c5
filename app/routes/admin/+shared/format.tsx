/**
 * How the admin pages show a time: the UTC date and minute ("2026-12-05
 * 14:03 UTC"), the same on the server and in the browser.
 */
export function utcMinute(at: string | null): string {
	return at ? `${at.slice(0, 10)} ${at.slice(11, 16)} UTC` : '—'
}

export function Time({ at }: { at: string | null }) {
	return at ? <time dateTime={at}>{utcMinute(at)}</time> : <>—</>
}

/** A page's meta: its title, and never indexed (X-Robots-Tag says it too). */
export function adminMeta(title: string) {
	return [{ title: `${title} · Admin · Taskwell` }, { name: 'robots', content: 'noindex, nofollow' }]
}
