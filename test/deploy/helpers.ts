import 'reflect-metadata'
import {spawn, spawnSync, type ChildProcess} from 'node:child_process'
import {randomBytes, webcrypto} from 'node:crypto'
import {existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {createServer, type AddressInfo} from 'node:net'
import {connect} from 'node:tls'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import * as x509 from '@peculiar/x509'

/** A throwaway CA and nginx as a child process, for the deployment tests. */

export const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const ALG = {name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256'} as const

const pemKey = async (key: CryptoKey) =>
  `-----BEGIN PRIVATE KEY-----\n${Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key)).toString('base64').replace(/(.{64})/g, '$1\n')}\n-----END PRIVATE KEY-----\n`

export interface Ca {
  caPem: string
  issue(names: string[], serial?: string): Promise<{certPem: string; keyPem: string}>
}

/** An organisation's CA made for the test: it issues certificates for any names asked. */
export async function throwawayCa(): Promise<Ca> {
  x509.cryptoProvider.set(webcrypto as unknown as Crypto)
  const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: 'CN=Throwaway test CA, O=NHS England test',
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 86_400_000),
    keys,
    signingAlgorithm: ALG,
    extensions: [new x509.BasicConstraintsExtension(true, 0, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true)],
  })
  return {
    caPem: ca.toString('pem'),
    async issue(names, serial = randomBytes(8).toString('hex').replace(/^[89a-f]/, '1')) {
      const leafKeys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair
      const cert = await x509.X509CertificateGenerator.create({
        serialNumber: serial,
        subject: `CN=${names[0]}`,
        issuer: ca.subject,
        notBefore: new Date(Date.now() - 60_000),
        notAfter: new Date(Date.now() + 86_400_000),
        signingKey: keys.privateKey,
        publicKey: leafKeys.publicKey,
        signingAlgorithm: ALG,
        extensions: [
          new x509.BasicConstraintsExtension(false, undefined, true),
          new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
          new x509.SubjectAlternativeNameExtension(names.map((value) => ({type: 'dns' as const, value}))),
        ],
      })
      return {certPem: cert.toString('pem'), keyPem: await pemKey(leafKeys.privateKey)}
    },
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const {port} = server.address() as AddressInfo
      server.close(() => resolve(port))
    })
  })
}

export const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((path) => existsSync(path))

/**
 * Debian's nginx with the shipped site (deploy/nginx/ahp-content-hub.conf), adapted only where a
 * test must: its address and port, the certificate files, the upstream's port, and (`upstream:
 * 'https'`) the commented-out TLS-to-the-server variant switched on.
 */
export interface NginxOptions {
  dir: string
  port: number
  upstreamPort: number
  hostName: string
  certFile: string
  keyFile: string
  upstream: 'http' | 'https'
  /** the CA nginx checks the server's certificate against (upstream https) */
  upstreamCaFile?: string
}

export function nginxSite(options: NginxOptions): string {
  let site = readFileSync(join(ROOT, 'deploy', 'nginx', 'ahp-content-hub.conf'), 'utf8')
  // the port-80 redirect is the operator's business; the test listens once, on loopback
  site = site.replace(/server \{\n {4}listen 80;[\s\S]*?\n\}\n/, '')
  site = site.replace(/ {4}listen 443 ssl http2;\n {4}listen \[::\]:443 ssl http2;/, `    listen 127.0.0.1:${options.port} ssl http2;`)
  site = site.replaceAll('content.example.nhs.uk', options.hostName)
  site = site.replace('/etc/ssl/ahp-content-hub/fullchain.pem', options.certFile).replace('/etc/ssl/ahp-content-hub/privkey.pem', options.keyFile)
  site = site.replace('server 127.0.0.1:3333;', `server 127.0.0.1:${options.upstreamPort};`)
  if (options.upstream === 'https') {
    site = site.replaceAll('proxy_pass http://', 'proxy_pass https://')
    const tlsLines = ['proxy_ssl_verify on;', `proxy_ssl_trusted_certificate ${options.upstreamCaFile};`, `proxy_ssl_name ${options.hostName};`, 'proxy_ssl_server_name on;', 'proxy_ssl_session_reuse on;']
    site = site.replace('    proxy_http_version 1.1;\n', `    proxy_http_version 1.1;\n${tlsLines.map((l) => `    ${l}\n`).join('')}`)
  }
  return site
}

export interface RunningNginx {
  process: ChildProcess
  log(): string
  stop(): Promise<void>
}

export async function startNginx(options: NginxOptions): Promise<RunningNginx> {
  if (!NGINX) throw new Error('nginx is not installed')
  const {dir} = options
  for (const sub of ['logs', 'temp']) mkdirSync(join(dir, sub), {recursive: true})
  writeFileSync(join(dir, 'site.conf'), nginxSite(options))
  const user = process.getuid?.() === 0 ? 'user root root;\n' : ''
  writeFileSync(
    join(dir, 'nginx.conf'),
    `${user}worker_processes 1;\npid ${dir}/nginx.pid;\nerror_log ${dir}/logs/error.log warn;\nevents { worker_connections 256; }\nhttp {\n  include /etc/nginx/mime.types;\n  access_log ${dir}/logs/access.log;\n  client_body_temp_path ${dir}/temp/body;\n  proxy_temp_path ${dir}/temp/proxy;\n  fastcgi_temp_path ${dir}/temp/fastcgi;\n  uwsgi_temp_path ${dir}/temp/uwsgi;\n  scgi_temp_path ${dir}/temp/scgi;\n  include ${dir}/site.conf;\n}\n`,
  )
  const test = spawnSync(NGINX, ['-t', '-p', dir, '-c', join(dir, 'nginx.conf')], {encoding: 'utf8'})
  if (test.status !== 0) throw new Error(`nginx -t refused the configuration:\n${test.stderr}`)
  const child = spawn(NGINX, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;'], {stdio: ['ignore', 'pipe', 'pipe']})
  let output = ''
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()))
  // ready when the port answers
  for (let i = 0; i < 100; i++) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect({host: '127.0.0.1', port: options.port, rejectUnauthorized: false}, () => {
        socket.destroy()
        resolve(true)
      })
      socket.on('error', () => resolve(false))
    })
    if (open) break
    if (child.exitCode !== null) throw new Error(`nginx exited: ${output}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  return {
    process: child,
    log: () => `${output}${existsSync(join(dir, 'logs', 'error.log')) ? readFileSync(join(dir, 'logs', 'error.log'), 'utf8') : ''}`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve()
        child.once('exit', () => resolve())
        child.kill('SIGQUIT')
        setTimeout(() => child.kill('SIGKILL'), 5000).unref()
      }),
  }
}
