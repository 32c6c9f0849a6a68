import https from 'node:https'

/**
 * Signs in with a local account as a browser does: opens the sign-in form (which sets the sign-in
 * cookie and carries a form token), then posts it from the server's own origin.
 */

export interface SignInResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

export function httpsRequest(url: string, ca: string | Buffer, init: {method?: string; body?: string; headers?: Record<string, string>} = {}): Promise<SignInResponse> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, {method: init.method ?? 'GET', headers: init.headers ?? {}, ca}, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8')}))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end(init.body)
  })
}

export interface SignInForm {
  formToken: string
  cookie: string
}

/** GET /auth/login for `origin`: the form's token and the sign-in cookie. */
export async function openSignInForm(base: string, ca: string | Buffer, origin: string, cookie?: string): Promise<SignInForm> {
  const res = await httpsRequest(`${base}/auth/login?${new URLSearchParams({origin, projectId: 'local', withSid: 'true'})}`, ca, cookie ? {headers: {cookie}} : {})
  if (res.status !== 200) throw new Error(`the sign-in form answered ${res.status}`)
  return formOf(res, cookie)
}

/** the token and cookie a sign-in page hands out (a re-shown form has a new token) */
export function formOf(res: SignInResponse, cookie?: string): SignInForm {
  const formToken = /name="formToken" value="([^"]+)"/.exec(res.body)?.[1]
  const set = res.headers['set-cookie']
  const fresh = (Array.isArray(set) ? set : set ? [set] : []).map((c) => c.split(';')[0] as string).find((c) => c.startsWith('ahp_signin='))
  if (!formToken) throw new Error('no form token on the sign-in page')
  return {formToken, cookie: fresh ?? cookie ?? ''}
}

export interface PostOptions {
  /** the Origin header; default the server's own */
  originHeader?: string | null
  headers?: Record<string, string>
}

/** POST /auth/login with the form's fields. */
export function postSignIn(base: string, ca: string | Buffer, fields: Record<string, string>, form: SignInForm | undefined, options: PostOptions = {}): Promise<SignInResponse> {
  const body = new URLSearchParams({projectId: 'local', ...(form ? {formToken: form.formToken} : {}), ...fields}).toString()
  const headers: Record<string, string> = {'content-type': 'application/x-www-form-urlencoded', ...options.headers}
  const originHeader = options.originHeader === undefined ? new URL(base).origin : options.originHeader
  if (originHeader !== null) headers.origin = originHeader
  if (form?.cookie) headers.cookie = form.cookie
  return httpsRequest(`${base}/auth/login`, ca, {method: 'POST', body, headers})
}

/** The whole form sign-in: the 303 answer (its Location holds `#sid=`) or the page that refused it. */
export async function signInWithPassword(base: string, ca: string | Buffer, account: {email: string; password: string}, origin = `${base}/local`, options: PostOptions = {}): Promise<SignInResponse> {
  const form = await openSignInForm(base, ca, origin)
  return postSignIn(base, ca, {origin, email: account.email, password: account.password}, form, options)
}

/** Signs in and exchanges the `#sid=` for a session token. */
export async function sessionTokenFor(base: string, ca: string | Buffer, account: {email: string; password: string}): Promise<string> {
  const login = await signInWithPassword(base, ca, account)
  const sid = /#sid=([^&]+)$/.exec(String(login.headers.location ?? ''))?.[1]
  if (login.status !== 303 || !sid) throw new Error(`sign-in failed for ${account.email}: ${login.status}`)
  const exchanged = await httpsRequest(`${base}/v2026-05-04/auth/fetch?sid=${sid}`, ca)
  const token = (JSON.parse(exchanged.body) as {token?: string}).token
  if (!token) throw new Error(`no token for ${account.email}: ${exchanged.body}`)
  return token
}
