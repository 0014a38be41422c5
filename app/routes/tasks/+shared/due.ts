/**
 * What a due date means to the user: "Overdue · 3 days", "Today",
 * "Tomorrow", or the date in the user's locale (from Accept-Language),
 * measured against the user's own day (the browser's time zone, remembered
 * on the account; UTC until JavaScript has told it). Computed on the server
 * (the loader), so the page and its hydration agree.
 */
export type DueState = 'overdue' | 'today' | 'tomorrow' | 'later'
export type Due = { state: DueState; label: string }

const DAY_MS = 24 * 60 * 60 * 1000
export const DEFAULT_TIME_ZONE = 'UTC'
const DEFAULT_LOCALE = 'en-US'

/**
 * Building an Intl.DateTimeFormat costs far more than using one (it was 13 %
 * of a /tasks render's CPU when built per task), so each is built once per
 * locale or time zone. Bounded: the keys come from request headers and
 * account settings, so the cache starts over rather than grow without limit.
 */
function memoized<T>(build: (key: string) => T, limit = 200): (key: string) => T {
	const cache = new Map<string, T>()
	return (key) => {
		let value = cache.get(key)
		if (value === undefined) {
			if (cache.size >= limit) cache.clear()
			value = build(key)
			cache.set(key, value)
		}
		return value
	}
}

const dayFormatIn = memoized(
	(timeZone) => new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }),
)
const dateFormatFor = memoized((locale) => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }))

const MINUTE_MS = 60 * 1000

/**
 * The day found for a time zone, and the minute it was found in: a day
 * starts on a whole minute in every time zone in use, so within one minute
 * the answer is the same (formatToParts costs more than a page's due labels).
 */
const todayByTimeZone = memoized((): { minute: number; day: string } => ({ minute: Number.NaN, day: '' }))

/** The calendar day (YYYY-MM-DD) it is now in `timeZone`. */
export function todayIn(timeZone: string, now = new Date()): string {
	const minute = Math.floor(now.getTime() / MINUTE_MS)
	const known = todayByTimeZone(timeZone)
	if (known.minute === minute) return known.day
	const parts = dayFormatIn(timeZone).formatToParts(now)
	const part = (type: string) => parts.find((entry) => entry.type === type)?.value ?? ''
	known.minute = minute
	known.day = `${part('year')}-${part('month')}-${part('day')}`
	return known.day
}

/** The first language of Accept-Language this runtime can format dates in. */
export function localeOf(acceptLanguage: string | null): string {
	if (!acceptLanguage) return DEFAULT_LOCALE
	// Browsers send a handful of distinct headers: each is looked up once (an unusually long one every time).
	return acceptLanguage.length <= 256 ? localeOfHeader(acceptLanguage) : firstSupportedLocale(acceptLanguage)
}

function firstSupportedLocale(acceptLanguage: string): string {
	for (const entry of acceptLanguage.split(',')) {
		const tag = entry.split(';')[0]?.trim()
		if (!tag || tag === '*') continue
		try {
			const [supported] = Intl.DateTimeFormat.supportedLocalesOf(tag)
			if (supported) return supported
		} catch {
			// not a language tag
		}
	}
	return DEFAULT_LOCALE
}
const localeOfHeader = memoized(firstSupportedLocale)

const utcMs = (date: string) => Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)))

export function dueOf(dueDate: string, today: string, locale: string): Due {
	const days = Math.round((utcMs(dueDate) - utcMs(today)) / DAY_MS)
	if (days < 0) return { state: 'overdue', label: `Overdue · ${-days} day${days === -1 ? '' : 's'}` }
	if (days === 0) return { state: 'today', label: 'Today' }
	if (days === 1) return { state: 'tomorrow', label: 'Tomorrow' }
	return { state: 'later', label: laterLabel(`${locale}|${dueDate}`) }
}

/** "Due <date>" in a locale, for "locale|YYYY-MM-DD" (the same for every page that shows it). */
const laterLabel = memoized((key) => {
	const [locale = DEFAULT_LOCALE, dueDate = ''] = key.split('|')
	return `Due ${dateFormatFor(locale).format(new Date(utcMs(dueDate)))}`
}, 2000)
