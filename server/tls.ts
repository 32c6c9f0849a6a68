import {createPrivateKey, webcrypto, X509Certificate} from 'node:crypto'
import {existsSync, readFileSync} from 'node:fs'
import {isIP} from 'node:net'
import {join} from 'node:path'
import type * as X509 from '@peculiar/x509'
import {privateDir, writePrivateFile} from './files.js'

/**
 * A local certificate authority and a server certificate for `localhost`, `127.0.0.1` and
 * `<projectId>.localhost`, kept in `<data>/tls/` (0700, every file 0600). Pure JS
 * (@peculiar/x509 over WebCrypto): no openssl needed.
 *
 * The CA is name-constrained (RFC 5280 name constraints, critical): it can only vouch for the
 * names it was made for (a DNS name covers its subdomains: `localhost` covers `local.localhost`;
 * addresses exactly), so a browser that trusts it trusts nothing else even if its key leaks.
 * A CA made for other names, or by an older version without constraints, is replaced (and the
 * trust instructions are printed again). The server certificate lives 30 days and is renewed
 * when 10 days are left, when the names change, or when it was made for longer.
 */

export interface TlsFiles {
  dir: string
  caCertPath: string
  /** the server certificate's files (PEM) */
  certPath: string
  keyPath: string
  cert: string
  key: string
  ca: string
  /** the server certificate's expiry */
  notAfter: Date
  /** true when anything was (re)made: the CA, or the server certificate */
  created: boolean
  /** true when the CA itself was (re)made: browsers must trust it again */
  caCreated: boolean
}

export interface TlsOptions {
  /** "now" (tests) */
  now?: Date
}

const ALG = {name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256'} as const
const DAY = 24 * 3600 * 1000
/** how long a server certificate of the local CA lives */
export const LEAF_DAYS = 30
/** a server certificate with fewer days left is renewed */
export const RENEW_DAYS = 10
const CA_YEARS = 10

function pem(label: string, der: ArrayBuffer): string {
  const b64 = Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n')
  return `-----BEGIN ${label}-----\n${b64}${b64.endsWith('\n') ? '' : '\n'}-----END ${label}-----\n`
}

async function importKey(pemText: string, usage: KeyUsage[]): Promise<CryptoKey> {
  const der = Buffer.from(pemText.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64')
  return webcrypto.subtle.importKey('pkcs8', der, ALG, true, usage) as Promise<CryptoKey>
}

type X509Lib = typeof X509

/** @peculiar/x509 (and the reflect polyfill it needs) only when a certificate is made: restarts and the organisation's certificate skip half a second of loading. */
async function x509Lib(): Promise<X509Lib> {
  await import('reflect-metadata')
  const lib = await import('@peculiar/x509')
  lib.cryptoProvider.set(webcrypto as unknown as Crypto)
  return lib
}

const serial = () => Buffer.from(webcrypto.getRandomValues(new Uint8Array(16))).toString('hex').replace(/^[89a-f]/, '1')

// ---- DER for the name constraints extension (2.5.29.30): @peculiar/x509 has no class for it ----

function derLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length])
  const bytes: number[] = []
  for (let n = length; n > 0; n >>= 8) bytes.unshift(n & 0xff)
  return Buffer.from([0x80 | bytes.length, ...bytes])
}
const der = (tag: number, content: Buffer) => Buffer.concat([Buffer.from([tag]), derLength(content.length), content])

function ipBytes(address: string): Buffer {
  if (isIP(address) === 4) return Buffer.from(address.split('.').map(Number))
  // IPv6: expand `::`
  const [head = '', tail = ''] = address.split('::')
  const parts = (s: string) => (s ? s.split(':') : [])
  const missing = 8 - parts(head).length - parts(tail).length
  const groups = [...parts(head), ...Array<string>(address.includes('::') ? missing : 0).fill('0'), ...parts(tail)]
  return Buffer.concat(groups.map((g) => Buffer.from(g.padStart(4, '0'), 'hex')))
}

/** `NameConstraints ::= SEQUENCE { permittedSubtrees [0] GeneralSubtrees }`: DNS names and single addresses. */
export function nameConstraintsExtension(x509: X509Lib, names: readonly string[]): X509.Extension {
  const subtrees = names.map((name) => {
    const address = name.replace(/^\[|\]$/g, '')
    const base = isIP(address)
      ? der(0x87, Buffer.concat([ipBytes(address), Buffer.alloc(isIP(address) === 4 ? 4 : 16, 0xff)])) // iPAddress [7]: address and mask
      : der(0x82, Buffer.from(name, 'ascii')) // dNSName [2]
    return der(0x30, base)
  })
  const value = der(0x30, der(0xa0, Buffer.concat(subtrees)))
  return new x509.Extension('2.5.29.30', true, value)
}

/** True when `name` is one of `permitted`, or a subdomain of a permitted DNS name. */
export function isPermitted(name: string, permitted: readonly string[]): boolean {
  const bare = name.replace(/^\[|\]$/g, '').toLowerCase()
  return permitted.some((p) => {
    const allowed = p.replace(/^\[|\]$/g, '').toLowerCase()
    if (isIP(bare) || isIP(allowed)) return bare === allowed
    return bare === allowed || bare.endsWith(`.${allowed}`)
  })
}

const readJson = (path: string): unknown => {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as unknown
  } catch {
    return undefined
  }
}

export async function ensureTls(dataDir: string, hostNames: string[], options: TlsOptions = {}): Promise<TlsFiles> {
  const dir = privateDir(join(dataDir, 'tls'))
  const caCertPath = join(dir, 'ca.pem')
  const caKeyPath = join(dir, 'ca-key.pem')
  const caNamesPath = join(dir, 'ca-names.json')
  const certPath = join(dir, 'server.pem')
  const keyPath = join(dir, 'server-key.pem')
  const namesPath = join(dir, 'server-names.json')
  const now = options.now ?? new Date()
  const names = [...new Set(hostNames)].sort()
  let caCreated = false

  // the CA: kept while it is constrained to names that cover every wanted one
  const caNames = readJson(caNamesPath)
  const caCovers = Array.isArray(caNames) && names.every((name) => isPermitted(name, caNames as string[]))
  if (!existsSync(caCertPath) || !existsSync(caKeyPath) || !caCovers) {
    // the CA may vouch for the wanted names only (`localhost` covers `*.localhost`)
    const x509 = await x509Lib()
    const permitted = names.filter((name) => !names.some((other) => other !== name && !isIP(name) && name.endsWith(`.${other}`)))
    const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair
    const ca = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: serial(),
      name: 'CN=AHP Content Hub local CA, O=AHP Content Hub (local development)',
      notBefore: new Date(now.getTime() - 60_000),
      notAfter: new Date(now.getTime() + CA_YEARS * 365 * DAY),
      keys,
      signingAlgorithm: ALG,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
        nameConstraintsExtension(x509, permitted),
      ],
    })
    writePrivateFile(caKeyPath, pem('PRIVATE KEY', await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)))
    writePrivateFile(caCertPath, `${ca.toString('pem')}\n`)
    writePrivateFile(caNamesPath, JSON.stringify(permitted))
    caCreated = true
  }

  const wanted = JSON.stringify(names)
  const current = existsSync(namesPath) ? readFileSync(namesPath, 'utf8') : ''
  let renew = caCreated || current !== wanted || !existsSync(certPath) || !existsSync(keyPath)
  if (!renew) {
    const leaf = new X509Certificate(readFileSync(certPath, 'utf8'))
    const notAfter = new Date(leaf.validTo).getTime()
    const lifetime = notAfter - new Date(leaf.validFrom).getTime()
    renew = notAfter - now.getTime() < RENEW_DAYS * DAY || lifetime > (LEAF_DAYS + 1) * DAY || !leaf.checkIssued(new X509Certificate(readFileSync(caCertPath, 'utf8')))
  }
  if (renew) {
    const x509 = await x509Lib()
    const caCert = new x509.X509Certificate(readFileSync(caCertPath, 'utf8'))
    const caKey = await importKey(readFileSync(caKeyPath, 'utf8'), ['sign'])
    const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: serial(),
      subject: 'CN=localhost',
      issuer: caCert.subject,
      notBefore: new Date(now.getTime() - 60_000),
      notAfter: new Date(now.getTime() + LEAF_DAYS * DAY),
      signingKey: caKey,
      publicKey: keys.publicKey,
      signingAlgorithm: ALG,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
        new x509.SubjectAlternativeNameExtension(
          names.map((name) => (isIP(name.replace(/^\[|\]$/g, '')) ? {type: 'ip' as const, value: name.replace(/^\[|\]$/g, '')} : {type: 'dns' as const, value: name})),
        ),
        await x509.AuthorityKeyIdentifierExtension.create(caCert),
      ],
    })
    writePrivateFile(keyPath, pem('PRIVATE KEY', await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)))
    writePrivateFile(certPath, `${cert.toString('pem')}\n`)
    writePrivateFile(namesPath, wanted)
  }
  const cert = readFileSync(certPath, 'utf8')
  return {
    dir,
    caCertPath,
    certPath,
    keyPath,
    cert,
    key: readFileSync(keyPath, 'utf8'),
    ca: readFileSync(caCertPath, 'utf8'),
    notAfter: new Date(new X509Certificate(cert).validTo),
    created: renew,
    caCreated,
  }
}

/**
 * The organisation's certificate and key (AHP_TLS_CERT, AHP_TLS_KEY: PEM files), read now and
 * again on SIGHUP. A key that does not belong to the certificate is refused with both names.
 */
export function readOrganisationTls(certPath: string, keyPath: string): {cert: string; key: string; notAfter: Date} {
  const read = (path: string, what: string) => {
    try {
      return readFileSync(path, 'utf8')
    } catch (err) {
      throw new Error(`cannot read the TLS ${what} ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`)
    }
  }
  const cert = read(certPath, 'certificate (AHP_TLS_CERT)')
  const key = read(keyPath, 'key (AHP_TLS_KEY)')
  let parsed: X509Certificate
  try {
    parsed = new X509Certificate(cert)
  } catch {
    throw new Error(`AHP_TLS_CERT ${certPath} is not a PEM certificate`)
  }
  let matches = false
  try {
    matches = parsed.checkPrivateKey(createPrivateKey(key))
  } catch {
    throw new Error(`AHP_TLS_KEY ${keyPath} is not a PEM private key`)
  }
  if (!matches) throw new Error(`AHP_TLS_KEY ${keyPath} is not the key of the certificate in AHP_TLS_CERT ${certPath}`)
  return {cert, key, notAfter: new Date(parsed.validTo)}
}

/** Operator instructions for trusting the local CA. */
export function trustInstructions(caCertPath: string): string {
  return [
    `The server's certificate is signed by a local CA: ${caCertPath}`,
    'It can vouch only for this server\'s own names (name constraints). Trust it once so browsers and tools accept https://localhost:',
    `  Node tools:  export NODE_EXTRA_CA_CERTS=${caCertPath}`,
    `  Debian/Ubuntu:  sudo cp ${caCertPath} /usr/local/share/ca-certificates/ahp-local-ca.crt && sudo update-ca-certificates`,
    `  macOS:  sudo security add-trusted-cert -d -r trustRoot -k /Library/Keychains/System.keychain ${caCertPath}`,
    `  Windows:  certutil -addstore -f Root ${caCertPath}`,
    '  Firefox / Chromium on Linux: Settings > Certificates > Authorities > Import.',
  ].join('\n')
}
