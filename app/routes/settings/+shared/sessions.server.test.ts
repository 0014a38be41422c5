import { describe, expect, test } from 'vitest'
import { onTestDatabaseTeardown } from '#tests/support/fresh-database.ts'
import { describeDevice, displayIp } from '#app/lib/auth/device.server.ts'
import { database } from '#app/lib/db.server.ts'

onTestDatabaseTeardown(() => database.close())

describe('session list display', () => {
	test.each([
		['198.51.100.7', '198.51.100.7'],
		['2001:0db8:0001:0002:0000:0000:0000:0000', '2001:db8:1:2::/64'],
		['0000:0000:0000:0000:0000:0000:0000:0000', '::/64'],
		['2001:0db8:0000:0000:0001:0000:0000:0001', '2001:db8::1:0:0:1'],
		[null, null],
	])('IP %s is shown as %s', (stored, shown) => {
		expect(displayIp(stored)).toBe(shown)
	})

	test.each([
		['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36', 'Chrome 131 on Linux'],
		[
			'Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:133.0) Gecko/20100101 Firefox/133.0',
			'Firefox 133 on Apple Macintosh, Mac OS 10.15',
		],
		[null, 'Unknown device'],
		['curl/8.5.0', 'Unknown browser'],
	])('device of %s is %s', (userAgent, device) => {
		expect(describeDevice(userAgent)).toBe(device)
	})
})
