import {describe, expect, test} from 'vitest'

import {DEFAULT_LOCAL_API_HOST, localApiHost} from '../../studio/apiHost'
import {studioEnv} from '../../studio/env'

describe('local API host', () => {
  const cases: {name: string; port?: string; hostname?: string; override?: string; expected: string}[] = [
    {name: 'the page\'s port, on localhost', port: '3333', expected: 'https://localhost:3333'},
    {name: 'any port the server was started on', port: '41234', expected: 'https://localhost:41234'},
    {name: 'the default HTTPS port', port: '', expected: 'https://localhost'},
    {name: 'a page on 127.0.0.1 still uses localhost (local.127.0.0.1 is no host name)', port: '3333', hostname: '127.0.0.1', expected: 'https://localhost:3333'},
    {name: 'a page on local.localhost uses localhost', port: '3333', hostname: 'local.localhost', expected: 'https://localhost:3333'},
    {name: 'a page at the organisation\'s address uses that address', port: '', hostname: 'content.example.nhs.uk', expected: 'https://content.example.nhs.uk'},
    {name: 'the organisation\'s address with a port keeps the port', port: '8443', hostname: 'content.ahp.test', expected: 'https://content.ahp.test:8443'},
    {name: 'an explicit setting wins (sanity dev on another port)', port: '3334', override: 'https://localhost:3333/', expected: 'https://localhost:3333'},
  ]
  for (const example of cases) {
    test(example.name, () => {
      expect(localApiHost(example.port === undefined ? undefined : {port: example.port, ...(example.hostname ? {hostname: example.hostname} : {})}, example.override)).toBe(example.expected)
    })
  }

  test('outside a browser it is the default server', () => {
    expect(localApiHost(undefined)).toBe(DEFAULT_LOCAL_API_HOST)
  })
})

describe('build-time settings', () => {
  test('a setting that was not baked in reads as not set, even without process', () => {
    expect(studioEnv(() => {
      throw new ReferenceError('process is not defined')
    })).toBeUndefined()
    expect(studioEnv(() => '  ')).toBeUndefined()
    expect(studioEnv(() => ' abc123 ')).toBe('abc123')
  })
})
