/**
 * The pages an emailed link opens (/login/link, /change-email): the GET only
 * shows a button (a mail scanner that follows the link spends nothing); the
 * token goes back in a hidden field of its POST. Never cached, never sent
 * on in a Referer.
 */
import { data } from 'react-router'

export const TOKEN_PAGE_HEADERS = { 'Cache-Control': 'no-store', 'Referrer-Policy': 'same-origin' }

/** The page's loader: the link's token (bounded), for the form's hidden field. */
export function tokenPageLoader(request: Request) {
	const token = new URL(request.url).searchParams.get('token')?.slice(0, 4096) || null
	return data({ token }, { headers: TOKEN_PAGE_HEADERS })
}
