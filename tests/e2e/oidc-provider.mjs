// A real OpenID Connect provider for the e2e tests (issue 10): the certified
// `oidc-provider` package on loopback, with one client (the app under test)
// and its users. Started by Playwright beside the app (playwright.config.ts).
//
// Users: any email address signs in (no password; this is a test identity
// provider). Its `sub` is derived from the address, so the same address is
// the same identity every time. An address whose local part starts with
// "unverified" has email_verified=false; every other one is verified. The
// two seeded users of the brief are verified@oidc.test and unverified@oidc.test;
// tests use their own addresses of the two kinds so that parallel tests
// never share an identity.
//
// The login page (GET /interaction/:uid) asks for "Email" every time (no
// provider-side session is reused) and has "Sign in" and "Deny" (an
// access_denied error back to the app). Consent is implicit (first party).
import { createHash } from 'node:crypto'
import { createServer } from 'node:http'
import Provider, { interactionPolicy } from 'oidc-provider'

const issuer = process.env.OIDC_ISSUER ?? 'http://127.0.0.1:3170'
const { port, hostname } = new URL(issuer)
const appUrl = process.env.OIDC_APP_URL ?? 'http://localhost:3100'
const clientId = process.env.OIDC_CLIENT_ID ?? 'taskwell-e2e'
const clientSecret = process.env.OIDC_CLIENT_SECRET ?? 'taskwell-e2e-client-secret-0123456789'

export const SEEDED_USERS = ['verified@oidc.test', 'unverified@oidc.test']

function account(email) {
	const sub = createHash('sha256').update(email).digest('hex').slice(0, 24)
	return {
		accountId: email,
		claims: async () => ({
			sub,
			email,
			email_verified: !email.split('@')[0].startsWith('unverified'),
			name: email.split('@')[0],
		}),
	}
}

// Ask for the login every time, even with a provider session.
const policy = interactionPolicy.base()
policy
	.get('login')
	.checks.add(
		new interactionPolicy.Check('login_every_time', 'the test provider asks for the user every time', (ctx) => !ctx.oidc.result?.login),
	)

const provider = new Provider(issuer, {
	clients: [
		{
			client_id: clientId,
			client_secret: clientSecret,
			redirect_uris: [`${appUrl}/api/auth/callback/oidc`],
			grant_types: ['authorization_code'],
			response_types: ['code'],
			token_endpoint_auth_method: 'client_secret_post',
		},
	],
	pkce: { required: () => true },
	claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
	conformIdTokenClaims: false,
	findAccount: (_ctx, id) => (id.includes('@') ? account(id) : undefined),
	interactions: { policy, url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
	features: { devInteractions: { enabled: false } },
	cookies: { keys: ['taskwell-e2e-oidc-cookie-key-0123456789'] },
	// First-party client: consent is implied.
	async loadExistingGrant(ctx) {
		const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId)
		if (grantId) return ctx.oidc.provider.Grant.find(grantId)
		const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId })
		grant.addOIDCScope('openid email profile')
		await grant.save()
		return grant
	},
})

const escape = (value) => String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

function page(title, body) {
	return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title></head><body><h1>${escape(title)}</h1>${body}</body></html>`
}

async function readForm(req) {
	const chunks = []
	for await (const chunk of req) chunks.push(chunk)
	return new URLSearchParams(Buffer.concat(chunks).toString('utf8'))
}

const handler = provider.callback()
const server = createServer(async (req, res) => {
	const match = /^\/interaction\/([\w-]+)(\/(login|abort))?$/.exec(req.url ?? '')
	if (!match) return handler(req, res)
	try {
		const [, uid, , action] = match
		if (req.method === 'GET' && !action) {
			const details = await provider.interactionDetails(req, res)
			res.setHeader('content-type', 'text/html; charset=utf-8')
			res.setHeader('cache-control', 'no-store')
			res.end(
				page(
					'Test identity provider',
					`<p>Client: ${escape(details.params.client_id)}</p>
<form method="post" action="/interaction/${escape(uid)}/login">
<label for="email">Email</label> <input id="email" name="email" type="email" required>
<button type="submit">Sign in</button>
</form>
<form method="post" action="/interaction/${escape(uid)}/abort"><button type="submit">Deny</button></form>`,
				),
			)
			return
		}
		if (req.method === 'POST' && action === 'login') {
			const email = (await readForm(req)).get('email')?.trim().toLowerCase()
			if (!email || !email.includes('@')) {
				res.statusCode = 400
				res.end('email required')
				return
			}
			await provider.interactionFinished(req, res, { login: { accountId: email } }, { mergeWithLastSubmission: false })
			return
		}
		if (req.method === 'POST' && action === 'abort') {
			await provider.interactionFinished(
				req,
				res,
				{ error: 'access_denied', error_description: 'End-User aborted interaction' },
				{ mergeWithLastSubmission: false },
			)
			return
		}
		res.statusCode = 405
		res.end()
	} catch (error) {
		console.error(error)
		res.statusCode = 500
		res.end('interaction failed')
	}
})

server.listen(Number(port), hostname === 'localhost' ? '127.0.0.1' : hostname, () => {
	console.log(`test OpenID provider at ${issuer} for ${appUrl}`)
})
for (const signal of ['SIGTERM', 'SIGINT']) {
	process.on(signal, () => {
		server.closeAllConnections()
		server.close(() => process.exit(0))
	})
}
