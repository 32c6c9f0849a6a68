import {describe, expect, test} from 'vitest'

import {DEFAULT_LOCAL_API_HOST, localApiHost} from '../../studio/apiHost'
import {studioEnv} from '../../studio/env'

describe('local API host', () => {
  const cases: {name: string; port?: string; override?: string; expected: string}[] = [
    {name: 'the page\'s port, on localhost', port: '3333', expected: 'https://localhost:3333'},
    {name: 'any port the server was started on', port: '41234', expected: 'https://localhost:41234'},
    {name: 'the default HTTPS port', port: '', expected: 'https://localhost'},
    {name: 'an explicit setting wins (sanity dev on another port)', port: '3334', override: 'https://localhost:3333/', expected: 'https://localhost:3333'},
  ]
  for (const example of cases) {
    test(example.name, () => {
      expect(localApiHost(example.port === undefined ? undefined : {port: example.port}, example.override)).toBe(example.expected)
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
