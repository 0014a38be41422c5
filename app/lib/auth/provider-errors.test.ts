import { describe, expect, test } from 'vitest'
import { providerErrorMessage } from './provider-errors.ts'
import { SUSPENDED_MESSAGE } from './suspended.ts'

describe('providerErrorMessage', () => {
	test('maps Better Auth’s callback codes to fixed messages, never echoing the code', () => {
		expect(providerErrorMessage(null)).toBeUndefined()
		expect(providerErrorMessage('access_denied')).toBe('Signing in with the provider was cancelled. Nothing has changed.')
		expect(providerErrorMessage('account_not_linked')).toMatch(/Sign in with your password, then link the provider from Settings\.$/)
		for (const code of ['state_mismatch', 'state_not_found', 'please_restart_the_process', 'invalid_callback_request']) {
			expect(providerErrorMessage(code)).toBe('That sign-in attempt expired or was not started here. Please try again.')
		}
		for (const code of ['invalid_code', '__proto__', 'toString', '<script>alert(1)</script>']) {
			const message = providerErrorMessage(code)
			expect(message).toBe('Signing in with the provider did not work. Please try again, or sign in with your email.')
		}
	})

	test('a suspended account (the admin plugin’s BANNED_USER, as code or in the lower case of an error redirect): the sign-in pages’ message', () => {
		expect(SUSPENDED_MESSAGE).toBe('This account is suspended.')
		for (const code of ['BANNED_USER', 'banned_user']) expect(providerErrorMessage(code)).toBe(SUSPENDED_MESSAGE)
	})
})
