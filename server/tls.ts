import 'reflect-metadata'
import {webcrypto} from 'node:crypto'
import {existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import * as x509 from '@peculiar/x509'

/**
 * A local certificate authority and a server certificate for `localhost`, `127.0.0.1` and
 * `<projectId>.localhost`, kept in `<data>/tls/`. Pure JS (@peculiar/x509 over WebCrypto):
 * no openssl needed. The CA is made once; the server certificate is remade when names change.
 */

export interface TlsFiles {
  dir: string
  caCertPath: string
  cert: string
  key: string
  ca: string
  created: boolean
}

const ALG = {name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256'} as const

function pem(label: string, der: ArrayBuffer): string {
  const b64 = Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n')
  return `-----BEGIN ${label}-----\n${b64}${b64.endsWith('\n') ? '' : '\n'}-----END ${label}-----\n`
}

async function importKey(pemText: string, usage: KeyUsage[]): Promise<CryptoKey> {
  const der = Buffer.from(pemText.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64')
  return webcrypto.subtle.importKey('pkcs8', der, ALG, true, usage) as Promise<CryptoKey>
}

const serial = () => Buffer.from(webcrypto.getRandomValues(new Uint8Array(16))).toString('hex').replace(/^[89a-f]/, '1')

export async function ensureTls(dataDir: string, hostNames: string[]): Promise<TlsFiles> {
  x509.cryptoProvider.set(webcrypto as unknown as Crypto)
  const dir = join(dataDir, 'tls')
  mkdirSync(dir, {recursive: true, mode: 0o700})
  const caCertPath = join(dir, 'ca.pem')
  const caKeyPath = join(dir, 'ca-key.pem')
  const certPath = join(dir, 'server.pem')
  const keyPath = join(dir, 'server-key.pem')
  const namesPath = join(dir, 'server-names.json')
  let created = false
  const now = new Date()
  const yearsFromNow = (years: number) => new Date(now.getTime() + years * 365 * 24 * 3600 * 1000)

  if (!existsSync(caCertPath) || !existsSync(caKeyPath)) {
    const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair
    const ca = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: serial(),
      name: 'CN=AHP Content Hub local CA, O=AHP Content Hub (local development)',
      notBefore: new Date(now.getTime() - 60_000),
      notAfter: yearsFromNow(10),
      keys,
      signingAlgorithm: ALG,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      ],
    })
    writeFileSync(caCertPath, ca.toString('pem') + '\n')
    writeFileSync(caKeyPath, pem('PRIVATE KEY', await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)), {mode: 0o600})
    created = true
  }

  const wanted = JSON.stringify([...new Set(hostNames)].sort())
  const current = existsSync(namesPath) ? readFileSync(namesPath, 'utf8') : ''
  if (created || current !== wanted || !existsSync(certPath) || !existsSync(keyPath)) {
    const caCert = new x509.X509Certificate(readFileSync(caCertPath, 'utf8'))
    const caKey = await importKey(readFileSync(caKeyPath, 'utf8'), ['sign'])
    const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair
    const names = JSON.parse(wanted) as string[]
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: serial(),
      subject: 'CN=localhost',
      issuer: caCert.subject,
      notBefore: new Date(now.getTime() - 60_000),
      notAfter: new Date(now.getTime() + 800 * 24 * 3600 * 1000),
      signingKey: caKey,
      publicKey: keys.publicKey,
      signingAlgorithm: ALG,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
        new x509.SubjectAlternativeNameExtension(
          names.map((name) => (/^\d+\.\d+\.\d+\.\d+$/.test(name) ? {type: 'ip' as const, value: name} : {type: 'dns' as const, value: name})),
        ),
        await x509.AuthorityKeyIdentifierExtension.create(caCert),
      ],
    })
    writeFileSync(certPath, cert.toString('pem') + '\n')
    writeFileSync(keyPath, pem('PRIVATE KEY', await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)), {mode: 0o600})
    writeFileSync(namesPath, wanted)
    created = true
  }
  return {
    dir,
    caCertPath,
    cert: readFileSync(certPath, 'utf8'),
    key: readFileSync(keyPath, 'utf8'),
    ca: readFileSync(caCertPath, 'utf8'),
    created,
  }
}

/** Operator instructions for trusting the local CA. */
export function trustInstructions(caCertPath: string): string {
  return [
    `The server's certificate is signed by a local CA: ${caCertPath}`,
    'Trust it once so browsers and tools accept https://localhost:',
    `  Node tools:  export NODE_EXTRA_CA_CERTS=${caCertPath}`,
    `  Debian/Ubuntu:  sudo cp ${caCertPath} /usr/local/share/ca-certificates/ahp-local-ca.crt && sudo update-ca-certificates`,
    `  macOS:  sudo security add-trusted-cert -d -r trustRoot -k /Library/Keychains/System.keychain ${caCertPath}`,
    `  Windows:  certutil -addstore -f Root ${caCertPath}`,
    '  Firefox / Chromium on Linux: Settings > Certificates > Authorities > Import.',
  ].join('\n')
}
