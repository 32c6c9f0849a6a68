import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, test} from 'vitest'
import {TokenStore} from '../../server/auth.js'
import {FormTokens} from '../../server/signin/form-token.js'
import {explain} from '../../server/signin/oidc.js'
import {studioReturnUrl} from '../../server/signin/return-url.js'
import {parseDuration, signInSettingsFromEnv} from '../../server/signin/settings.js'
import {addressKey, FORGET_AFTER_MS, SignInThrottle, THROTTLE_RULES} from '../../server/signin/throttle.js'

/** Sign-in building blocks (server/signin/): throttle, return pages, form tokens, settings. */

describe('SignInThrottle', () => {
  test('the delay doubles with each failure past the free ones, up to its cap, and is forgotten after an hour', () => {
    const throttle = new SignInThrottle()
    const attempt = {account: 'a@example.org', address: '10.0.0.1'}
    let now = 0
    const waits: number[] = []
    for (let i = 0; i < 12; i++) {
      const wait = throttle.wait(attempt, now)
      waits.push(wait)
      now += wait
      throttle.begin(attempt, now)
      throttle.failed(attempt, now)
    }
    expect(waits.slice(0, 6)).toEqual([0, 0, 0, 2_000, 4_000, 8_000])
    expect(throttle.wait(attempt, now)).toBe(THROTTLE_RULES.pair.capMs)
    expect(waits.every((w) => w <= THROTTLE_RULES.pair.capMs)).toBe(true)
    expect(throttle.wait(attempt, now + FORGET_AFTER_MS + 1)).toBe(0)
  })

  test('a success clears the account\'s counters and makes the address known to the account', () => {
    const throttle = new SignInThrottle()
    const home = {account: 'a@example.org', address: '10.0.0.1'}
    throttle.begin(home, 0)
    throttle.succeeded(home, 0)
    for (let i = 0; i < 10; i++) throttle.begin({account: 'a@example.org', address: `10.1.0.${i}`}, 1)
    expect(throttle.wait({account: 'a@example.org', address: '10.2.0.1'}, 2)).toBeGreaterThan(0)
    expect(throttle.wait(home, 2)).toBe(0)
  })

  test('every map is bounded: 30,000 addresses and accounts keep at most 10,000 entries each', () => {
    const throttle = new SignInThrottle()
    for (let i = 0; i < 30_000; i++) throttle.begin({account: `p${i}@example.org`, address: `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`}, i)
    for (let i = 0; i < 30_000; i++) throttle.succeeded({account: `q${i}@example.org`, address: `11.${i >> 16}.${(i >> 8) & 255}.${i & 255}`}, i)
    const sizes = throttle.sizes
    for (const size of Object.values(sizes)) expect(size).toBeLessThanOrEqual(10_000)
  })

  test.each([
    ['::ffff:10.0.0.1', '10.0.0.1'],
    ['10.0.0.1', '10.0.0.1'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['2001:0db8:0000:0000:ffff::2', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
  ])('address %s counts as %s', (address, key) => expect(addressKey(address)).toBe(key))
})

describe('studioReturnUrl', () => {
  const origins = ['https://localhost:3333', 'https://content.example.nhs.uk']
  test.each([
    ['https://localhost:3333/', 'https://localhost:3333/'],
    ['https://localhost:3333/local', 'https://localhost:3333/local'],
    ['https://localhost:3333/local/content/x;y?z=1#frag', 'https://localhost:3333/local/content/x;y?z=1'],
    ['https://content.example.nhs.uk/hosted/structure', 'https://content.example.nhs.uk/hosted/structure'],
  ])('%s is a Studio page', (value, expected) => expect(studioReturnUrl(value, origins)).toBe(expected))

  test.each([
    'https://localhost:3333/files/local/production/x.svg',
    'https://localhost:3333/images/local/production/x-1x1.svg',
    'https://localhost:3333/v2025-02-19/ping',
    'https://localhost:3333/auth/login',
    'https://localhost:3333/locals',
    'https://localhost:3333/local/..%2Ffiles',
    'https://localhost:3333/local/%2E%2E/files',
    'https://localhost:4444/local',
    'https://a:b@localhost:3333/local',
    'ftp://localhost:3333/local',
    'not a url',
  ])('%s is refused', (value) => expect(studioReturnUrl(value, origins)).toBeUndefined())
})

describe('FormTokens', () => {
  test('a token is good once, for its browser and page, for 30 minutes', () => {
    const forms = new FormTokens()
    const token = forms.issue('browser-1', 'https://localhost/local', 0)
    expect(forms.consume(token, 'browser-2', 'https://localhost/local', 1)).toBe(false)
    expect(forms.consume(token, 'browser-1', 'https://localhost/hosted', 1)).toBe(false)
    expect(forms.consume(token, 'browser-1', 'https://localhost/local', 30 * 60_000 + 1)).toBe(false)
    expect(forms.consume(token, 'browser-1', 'https://localhost/local', 1)).toBe(true)
    expect(forms.consume(token, 'browser-1', 'https://localhost/local', 2)).toBe(false)
    expect(forms.consume('', 'browser-1', 'https://localhost/local', 2)).toBe(false)
  })
})

describe('sign-in settings', () => {
  test('durations', () => {
    expect(parseDuration('X', '8h')).toBe(8 * 3_600_000)
    expect(parseDuration('X', '90')).toBe(90_000)
    expect(parseDuration('X', '7d')).toBe(7 * 86_400_000)
    expect(() => parseDuration('AHP_SESSION_IDLE', 'soon')).toThrow(/AHP_SESSION_IDLE must be a duration/)
  })

  test('defaults: 8 h idle, 7 days at most, local accounts on, no provider', () => {
    expect(signInSettingsFromEnv({})).toEqual({sessionIdleMs: 8 * 3_600_000, sessionMaxMs: 7 * 86_400_000, localAccounts: true})
  })

  test('an OpenID provider with its role map; bad values name their setting', () => {
    const settings = signInSettingsFromEnv({
      AHP_OIDC_ISSUER: 'https://login.microsoftonline.com/tenant/v2.0',
      AHP_OIDC_CLIENT_ID: 'client',
      AHP_OIDC_CLIENT_SECRET: 'secret',
      AHP_OIDC_NAME: 'NHSmail',
      AHP_OIDC_ROLES: 'g-1=editor, g-2=viewer',
      AHP_LOCAL_ACCOUNTS: 'off',
    })
    expect(settings.localAccounts).toBe(false)
    expect(settings.oidc).toMatchObject({name: 'NHSmail', rolesClaim: 'groups'})
    expect([...(settings.oidc?.roles ?? [])]).toEqual([['g-1', 'editor'], ['g-2', 'viewer']])
    expect(() => signInSettingsFromEnv({AHP_OIDC_ISSUER: 'http://idp.example', AHP_OIDC_CLIENT_ID: 'c', AHP_OIDC_ROLES: 'g=editor'})).toThrow(/AHP_OIDC_ISSUER/)
    expect(() => signInSettingsFromEnv({AHP_OIDC_ISSUER: 'https://idp.example', AHP_OIDC_ROLES: 'g=editor'})).toThrow(/AHP_OIDC_CLIENT_ID/)
    expect(() => signInSettingsFromEnv({AHP_OIDC_ISSUER: 'https://idp.example', AHP_OIDC_CLIENT_ID: 'c', AHP_OIDC_ROLES: 'g=owner'})).toThrow(/AHP_OIDC_ROLES/)
    expect(() => signInSettingsFromEnv({AHP_LOCAL_ACCOUNTS: 'off'})).toThrow(/AHP_LOCAL_ACCOUNTS=off needs/)
    expect(() => signInSettingsFromEnv({AHP_OIDC_CLIENT_SECRET: 's'})).toThrow(/AHP_OIDC_ISSUER is not/)
  })
})

describe('explain (OpenID Connect errors, for the operator and the person)', () => {
  const oidc = {issuer: 'https://login.example/tenant/v2.0', clientId: 'c', name: 'NHSmail', rolesClaim: 'groups', roles: new Map()}
  // openid-client wraps oauth4webapi's error; the claim is on the inner one's cause
  const wrapped = (code: string, message: string, cause: unknown) => Object.assign(new Error('unexpected JWT claim value encountered'), {code, cause: Object.assign(new Error(message), {cause})})

  test('clock skew names the clocks and NTP', () => {
    const problem = explain(wrapped('OAUTH_JWT_TIMESTAMP_CHECK_FAILED', 'unexpected JWT "iat" (issued at) claim value, it is in the future', {claim: 'iat'}), oidc)
    expect(problem.logLine).toMatch(/out of step with this server's clock .*NTP/)
    expect(problem.personMessage).not.toMatch(/iat|JWT/)
    expect(problem.status).toBe(502)
  })

  test('a wrong audience names AHP_OIDC_CLIENT_ID; a wrong nonce is the person\'s 400', () => {
    expect(explain(wrapped('OAUTH_JWT_CLAIM_COMPARISON_FAILED', 'unexpected JWT "aud" (audience) claim value', {claim: 'aud'}), oidc).logLine).toContain('check AHP_OIDC_CLIENT_ID')
    const nonce = explain(wrapped('OAUTH_JWT_CLAIM_COMPARISON_FAILED', 'unexpected ID Token "nonce" claim value', {claim: 'nonce'}), oidc)
    expect([nonce.status, nonce.title]).toEqual([400, 'Sign-in refused'])
  })

  test('an unreachable provider names AHP_OIDC_ISSUER, never a stack', () => {
    const problem = explain(Object.assign(new TypeError('fetch failed'), {cause: {code: 'ECONNREFUSED'}}), oidc)
    expect(problem.logLine).toBe('the provider at AHP_OIDC_ISSUER (https://login.example/tenant/v2.0) could not be reached (ECONNREFUSED): check the address and this server\'s network')
    expect(problem.logLine).not.toContain('\n')
  })
})

describe('TokenStore sessions', () => {
  test('a session kept before sessions had lifetimes has ended; API tokens never end by themselves', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ahp-tokens-'))
    try {
      const store = new TokenStore(dir)
      const api = store.create('viewer', 'ci')
      const session = store.createSession('editor', 'studio session a@example.org', 'pabc', {idleMs: 3_600_000, maxMs: 86_400_000})
      const file = join(dir, 'tokens.json')
      const records = (JSON.parse(readFileSync(file, 'utf8')) as {tokens: Record<string, unknown>[]}).tokens
      const legacy = records.map((r) => (r.id === session.record.id ? {id: r.id, label: r.label, role: r.role, hash: r.hash, createdAt: r.createdAt, userId: r.userId} : r))
      writeFileSync(file, JSON.stringify({tokens: legacy}))
      const reread = new TokenStore(dir)
      expect(reread.resolve(session.token)).toBeUndefined()
      expect(reread.resolve(api.token)).toMatchObject({role: 'viewer'})
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  })
})
