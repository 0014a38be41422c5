/**
 * How a client is shown to its user: the device from its User-Agent, the
 * IP address as Better Auth stored it (sessions list, security activity).
 */
import { UAParser } from 'ua-parser-js'

/** "Chrome 131 on Linux", from the User-Agent the session started with. */
export function describeDevice(userAgent: string | null | undefined): string {
	if (!userAgent) return 'Unknown device'
	const ua = new UAParser(userAgent.slice(0, 512)).getResult()
	const browser = [ua.browser.name, ua.browser.major].filter(Boolean).join(' ')
	const os = [ua.os.name, ua.os.version].filter(Boolean).join(' ')
	const device = ua.device.vendor || ua.device.model ? [ua.device.vendor, ua.device.model].filter(Boolean).join(' ') : ''
	const what = browser || 'Unknown browser'
	const where = [device, os].filter(Boolean).join(', ')
	return where ? `${what} on ${where}` : what
}

/**
 * Better Auth stores IPv6 addresses collapsed to their /64 network (written
 * out in full); show that network in its usual short form.
 */
export function displayIp(ip: string | null | undefined): string | null {
	if (!ip) return null
	if (!ip.includes(':')) return ip
	const groups = ip.split(':')
	if (groups.length !== 8) return ip
	const short = groups.map((group) => group.replace(/^0+(?=.)/, ''))
	let best = { start: -1, length: 0 }
	for (let i = 0; i < 8;) {
		if (short[i] !== '0') {
			i++
			continue
		}
		let j = i
		while (j < 8 && short[j] === '0') j++
		if (j - i > best.length) best = { start: i, length: j - i }
		i = j
	}
	if (best.length < 2) return `${short.join(':')}${ip.endsWith(':0000:0000:0000:0000') ? '/64' : ''}`
	const head = short.slice(0, best.start).join(':')
	const tail = short.slice(best.start + best.length).join(':')
	const compact = `${head}::${tail}`
	return best.start + best.length === 8 && best.length >= 4 ? `${compact}/64` : compact
}
