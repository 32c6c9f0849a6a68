import {describe, expect, test} from 'vitest'
import {configFromEnv} from '../../server/node-server.js'

/** The team settings from the environment: a bad value stops start-up with its name. */

describe('team settings', () => {
  test('the local CA by default; the organisation\'s files; plain HTTP behind a proxy', () => {
    expect(configFromEnv({}).tls).toBe('local')
    expect(configFromEnv({AHP_TLS_CERT: '/etc/ssl/a.pem', AHP_TLS_KEY: '/etc/ssl/a-key.pem'})).toMatchObject({tls: 'files', tlsCertPath: '/etc/ssl/a.pem', tlsKeyPath: '/etc/ssl/a-key.pem'})
    expect(configFromEnv({AHP_TLS: 'off', AHP_TRUSTED_PROXIES: '127.0.0.1,::1'})).toMatchObject({tls: 'off', trustedProxies: '127.0.0.1,::1'})
    expect(configFromEnv({AHP_LOG_LEVEL: 'WARN'}).logLevel).toBe('warn')
  })

  const refused: {name: string; env: NodeJS.ProcessEnv; message: RegExp}[] = [
    {name: 'AHP_TLS other than on or off', env: {AHP_TLS: 'no'}, message: /^AHP_TLS must be "on" or "off", got "no"$/},
    {name: 'a certificate without its key', env: {AHP_TLS_CERT: '/etc/ssl/a.pem'}, message: /AHP_TLS_CERT and AHP_TLS_KEY go together/},
    {name: 'plain HTTP with a certificate', env: {AHP_TLS: 'off', AHP_TLS_CERT: '/a', AHP_TLS_KEY: '/b'}, message: /AHP_TLS=off serves plain HTTP/},
    {name: 'a trusted proxy that is no address', env: {AHP_TRUSTED_PROXIES: 'nginx.internal'}, message: /AHP_TRUSTED_PROXIES must list addresses or CIDR ranges/},
    {name: 'an unknown log level', env: {AHP_LOG_LEVEL: 'verbose'}, message: /AHP_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "verbose"/},
  ]
  for (const example of refused) {
    test(`refused: ${example.name}`, () => {
      expect(() => configFromEnv(example.env)).toThrow(example.message)
    })
  }
})
