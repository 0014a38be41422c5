/**
 * Every throttle of the app, in one table: what sign-in and sign-up, the
 * other sign-in pages (password reset, verification mail, emailed sign-in
 * links, the second step of two-factor) and Settings (wrong current
 * passwords, email changes, provider links, two-factor codes) count, per
 * IP, per address or per account. The counting itself is
 * app/lib/throttle.server.ts. A rule's `name` is its key in auth_throttle:
 * never rename one (counters in flight would restart).
 */
import type { ThrottleRule } from '#app/lib/throttle.server.ts'

export const THROTTLE_RULES = {
	signInPerIp: { name: 'sign-in:ip', limit: 100, windowSeconds: 15 * 60 },
	/**
	 * Password checks per email: each attempt is counted before its check
	 * (so parallel attempts cannot overtake the counter) and a successful
	 * one hands its place back. What stays counted is the failures.
	 */
	signInFailuresPerEmail: { name: 'sign-in-failure:email', limit: 5, windowSeconds: 15 * 60 },
	signUpPerIp: { name: 'sign-up:ip', limit: 50, windowSeconds: 60 * 60 },
	signUpPerEmail: { name: 'sign-up:email', limit: 5, windowSeconds: 60 * 60 },
	forgotPasswordPerIp: { name: 'forgot-password:ip', limit: 20, windowSeconds: 15 * 60 },
	/** Beyond this the answer stays the same, but no more mail goes out. */
	forgotPasswordPerEmail: { name: 'forgot-password:email', limit: 3, windowSeconds: 60 * 60 },
	resetPasswordPerIp: { name: 'reset-password:ip', limit: 30, windowSeconds: 15 * 60 },
	resendVerificationPerIp: { name: 'verify-resend:ip', limit: 20, windowSeconds: 15 * 60 },
	resendVerificationPerEmail: { name: 'verify-resend:email', limit: 3, windowSeconds: 60 * 60 },
	magicLinkPerIp: { name: 'magic-link:ip', limit: 20, windowSeconds: 15 * 60 },
	/** Beyond this the answer stays the same, but no more mail goes out. */
	magicLinkPerEmail: { name: 'magic-link:email', limit: 3, windowSeconds: 60 * 60 },
	magicLinkVerifyPerIp: { name: 'magic-link-verify:ip', limit: 30, windowSeconds: 15 * 60 },
	/** Wrong current passwords in Settings (change password, delete account, email, two-factor). */
	passwordFailuresPerUser: { name: 'account-password-failure:user', limit: 5, windowSeconds: 15 * 60 },
	emailChangePerUser: { name: 'email-change:user', limit: 5, windowSeconds: 60 * 60 },
	/** Codes mailed per account, like the other mail to one address (3 an hour). */
	emailChangeCodeSendPerUser: { name: 'email-change-code:user', limit: 3, windowSeconds: 60 * 60 },
	/** Wrong email-change codes per account: each is counted before its check, a right one handed back. */
	emailChangeCodeFailuresPerUser: { name: 'email-change-code-failure:user', limit: 5, windowSeconds: 15 * 60 },
	providerLinkPerUser: { name: 'provider-link:user', limit: 20, windowSeconds: 15 * 60 },
	/** Wrong two-factor codes per account (sign-in second step, Settings). */
	twoFactorCodeFailuresPerUser: { name: 'two-factor-failure:user', limit: 5, windowSeconds: 15 * 60 },
	/** Invitations sent to one workspace (each is a mail to an address the app does not know). */
	invitationsPerWorkspace: { name: 'invitation:workspace', limit: 20, windowSeconds: 60 * 60 },
	/** Invitations one account sends, whatever the workspace. */
	invitationsPerInviter: { name: 'invitation:user', limit: 20, windowSeconds: 60 * 60 },
	/** Every admin POST (suspend, restore, act as, set role, delete, sessions), per admin. */
	adminActionsPerAdmin: { name: 'admin-action:user', limit: 60, windowSeconds: 15 * 60 },
	/**
	 * The token endpoints (app/routes/api/tokens/), for programs: exchanges
	 * per IP and per credential (by its hash: the secret is never a key
	 * here), device sign-in requests and polls per IP, revocations per IP.
	 * A scripted job exchanges once per 5 minutes; the command line once
	 * per command.
	 */
	tokenExchangePerIp: { name: 'token-exchange:ip', limit: 300, windowSeconds: 60 },
	tokenExchangePerToken: { name: 'token-exchange:token', limit: 30, windowSeconds: 60 },
	deviceCodePerIp: { name: 'device-code:ip', limit: 20, windowSeconds: 15 * 60 },
	/** A poll every 5 s for the code's 10 minutes is 120. */
	devicePollPerIp: { name: 'device-token:ip', limit: 600, windowSeconds: 15 * 60 },
	tokenRevokePerIp: { name: 'token-revoke:ip', limit: 60, windowSeconds: 15 * 60 },
	/** A used TOTP code: marked for 90 s (its step ± one, what the verifier accepts). */
	totpCodeUsed: { name: 'totp-used', limit: 1, windowSeconds: 90 },
} satisfies Record<string, ThrottleRule>
