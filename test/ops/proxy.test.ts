import {describe, expect, test} from 'vitest'
import {forwardedFor, parseTrustedProxies} from '../../server/proxy.js'

/** X-Forwarded-* are believed from AHP_TRUSTED_PROXIES only. */

const proxies = parseTrustedProxies('127.0.0.1, 10.0.0.0/8, ::1')

describe('forwarded headers', () => {
  const cases: {name: string; peer: string; headers: Record<string, string>; client: string; proto?: 'http' | 'https'; host?: string}[] = [
    {name: 'a direct client is itself, whatever it claims', peer: '203.0.113.9', headers: {'x-forwarded-for': '198.51.100.1', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'evil.example'}, client: '203.0.113.9'},
    {name: 'the trusted proxy names the client', peer: '127.0.0.1', headers: {'x-forwarded-for': '198.51.100.7', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'content.ahp.test:8443'}, client: '198.51.100.7', proto: 'https', host: 'content.ahp.test:8443'},
    {name: 'an address the client made up before the proxy is skipped', peer: '127.0.0.1', headers: {'x-forwarded-for': '1.2.3.4, 198.51.100.7'}, client: '198.51.100.7'},
    {name: 'a chain of trusted proxies is walked to the first untrusted hop', peer: '::ffff:127.0.0.1', headers: {'x-forwarded-for': '198.51.100.7, 10.1.2.3'}, client: '198.51.100.7'},
    {name: 'a proxy without the header leaves its own address', peer: '::1', headers: {}, client: '::1'},
    {name: 'garbage stops the walk at the last good hop', peer: '127.0.0.1', headers: {'x-forwarded-for': 'not-an-address, 198.51.100.7'}, client: '198.51.100.7'},
  ]
  for (const example of cases) {
    test(example.name, () => {
      const result = forwardedFor(example.peer, example.headers, proxies)
      expect(result.clientAddress).toBe(example.client)
      expect(result.proto).toBe(example.proto)
      expect(result.host).toBe(example.host)
    })
  }

  test('with no trusted proxies nothing is believed', () => {
    expect(forwardedFor('127.0.0.1', {'x-forwarded-for': '198.51.100.7'}, parseTrustedProxies(undefined)).clientAddress).toBe('127.0.0.1')
  })

  test('a bad entry stops start-up with its text', () => {
    expect(() => parseTrustedProxies('10.0.0.0/33')).toThrow('AHP_TRUSTED_PROXIES must list addresses or CIDR ranges (127.0.0.1, 10.0.0.0/8, ::1), got "10.0.0.0/33"')
    expect(() => parseTrustedProxies('proxy.internal')).toThrow(/got "proxy.internal"/)
  })
})
