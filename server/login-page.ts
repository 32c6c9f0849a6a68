/**
 * The sign-in page the Studio sends editors to (`/auth/login`): a plain HTML form, readable
 * without scripts, styles inline, nothing fetched from anywhere else.
 */

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'})[c] ?? c)

export interface LoginPageOptions {
  /** where to send the editor back to (the Studio page they were on) */
  origin: string
  projectId: string
  email?: string
  /** shown above the form, read out by screen readers */
  error?: string
  /** the form's CSRF token (server/signin/form-token.ts) */
  formToken: string
  /** the organisation's sign-in, offered beside the form: its label and the address that starts it */
  organisation?: {name: string; href: string} | undefined
}

export function loginPage(options: LoginPageOptions): string {
  const error = options.error
    ? `<div class="error" role="alert" id="error-summary" tabindex="-1"><h2>There is a problem</h2><p>${escapeHtml(options.error)}</p></div>`
    : ''
  const invalid = options.error ? ' aria-invalid="true" aria-describedby="error-summary"' : ''
  return `<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${options.error ? 'Error: ' : ''}Sign in – AHP Content Hub</title>
<style>
  :root { color-scheme: light; }
  body { margin: 0; font-family: Arial, Helvetica, sans-serif; font-size: 1.1875rem; line-height: 1.5; color: #212b32; background: #f0f4f5; }
  header { background: #005eb8; color: #fff; padding: 1rem 1.5rem; font-weight: bold; font-size: 1.25rem; }
  main { max-width: 30rem; margin: 2.5rem auto; padding: 2rem; background: #fff; border-radius: 4px; }
  h1 { font-size: 2rem; margin: 0 0 1rem; line-height: 1.2; }
  p.lead { margin: 0 0 1.5rem; color: #4c6272; }
  label { display: block; font-weight: bold; margin: 1.25rem 0 .25rem; }
  input[type=email], input[type=password] { box-sizing: border-box; width: 100%; font: inherit; padding: .5rem; border: 2px solid #4c6272; border-radius: 0; }
  input:focus, button:focus { outline: 4px solid #ffeb3b; outline-offset: 0; box-shadow: inset 0 0 0 2px #212b32; }
  button { margin-top: 1.75rem; font: inherit; font-weight: bold; color: #fff; background: #007f3b; border: 0; border-radius: 4px; padding: .75rem 1.25rem; box-shadow: 0 4px 0 #00401e; cursor: pointer; }
  button:hover { background: #00662f; }
  .error { border: 4px solid #d5281b; padding: 1rem 1.25rem; margin-bottom: 1.5rem; }
  .error h2 { font-size: 1.25rem; margin: 0 0 .5rem; }
  .error p { margin: 0; color: #d5281b; font-weight: bold; }
  .hint { color: #4c6272; font-size: 1rem; margin-top: 1.5rem; }
</style>
</head>
<body>
<header>AHP Content Hub</header>
<main>
  ${error}
  <h1>Sign in</h1>
  <p class="lead">Sign in with the email address and password of your AHP Content Hub account.</p>
  <form method="post" action="/auth/login" novalidate>
    <input type="hidden" name="origin" value="${escapeHtml(options.origin)}">
    <input type="hidden" name="projectId" value="${escapeHtml(options.projectId)}">
    <input type="hidden" name="formToken" value="${escapeHtml(options.formToken)}">
    <label for="email">Email address</label>
    <input id="email" name="email" type="email" autocomplete="username" spellcheck="false" required value="${escapeHtml(options.email ?? '')}"${invalid}>
    <label for="password">Password</label>
    <input id="password" name="password" type="password" autocomplete="current-password" required${invalid}>
    <button type="submit">Sign in</button>
  </form>
  ${options.organisation ? `<p class="hint">Or <a href="${escapeHtml(options.organisation.href)}">sign in with ${escapeHtml(options.organisation.name)}</a>.</p>` : ''}
  <p class="hint">If you do not have an account, or have forgotten your password, ask the person who looks after this content hub.</p>
</main>
${options.error ? '<script>document.getElementById("error-summary").focus()</script>' : ''}
</body>
</html>
`
}

/** A plain page for a person: a title, a message and, optionally, a link onward (never a stack). */
export function messagePage(title: string, message: string, link?: {text: string; href: string}): string {
  return `<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)} – AHP Content Hub</title>
<style>body{margin:0;font-family:Arial,Helvetica,sans-serif;font-size:1.1875rem;line-height:1.5;color:#212b32;background:#f0f4f5}header{background:#005eb8;color:#fff;padding:1rem 1.5rem;font-weight:bold}main{max-width:30rem;margin:2.5rem auto;padding:2rem;background:#fff}h1{font-size:2rem;margin:0 0 1rem}</style>
</head><body><header>AHP Content Hub</header><main><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>${link ? `<p><a href="${escapeHtml(link.href)}">${escapeHtml(link.text)}</a></p>` : ''}</main></body></html>
`
}
