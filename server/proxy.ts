import {BlockList, isIP} from 'node:net'

/**
 * Behind a reverse proxy (AHP_TLS=off, deploy/nginx): `X-Forwarded-For`, `X-Forwarded-Proto` and
 * `X-Forwarded-Host` are believed only from the addresses in AHP_TRUSTED_PROXIES (addresses or
 * CIDR ranges, comma-separated). From anyone else they are ignored, so a client cannot choose the
 * address its rate limits and log lines are kept under.
 */

export interface TrustedProxies {
  /** the configured entries, as given */
  readonly entries: readonly string[]
  trusts(address: string): boolean
}

const bare = (address: string) => address.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, '$1').replace(/^\[|\]$/g, '')

/** Parses `127.0.0.1, 10.0.0.0/8, ::1`; a bad entry stops start-up with its text. */
export function parseTrustedProxies(value: string | undefined, name = 'AHP_TRUSTED_PROXIES'): TrustedProxies {
  const list = new BlockList()
  const entries = (value ?? '').split(',').map((e) => e.trim()).filter(Boolean)
  for (const entry of entries) {
    const [address = '', prefix] = entry.split('/')
    const family = isIP(address)
    const bits = prefix === undefined ? undefined : Number(prefix)
    if (!family || (bits !== undefined && (!Number.isInteger(bits) || bits < 0 || bits > (family === 4 ? 32 : 128)))) {
      throw new Error(`${name} must list addresses or CIDR ranges (127.0.0.1, 10.0.0.0/8, ::1), got "${entry}"`)
    }
    const type = family === 4 ? 'ipv4' : 'ipv6'
    if (bits === undefined) list.addAddress(address, type)
    else list.addSubnet(address, bits, type)
  }
  return {
    entries,
    trusts(address: string) {
      const ip = bare(address)
      const family = isIP(ip)
      return family !== 0 && entries.length > 0 && list.check(ip, family === 4 ? 'ipv4' : 'ipv6')
    },
  }
}

export interface Forwarded {
  /** the client's address: the nearest one in X-Forwarded-For that is not a trusted proxy */
  clientAddress: string
  /** `https` or `http`, when a trusted proxy said so */
  proto: 'http' | 'https' | undefined
  /** the Host the client asked the proxy for, when a trusted proxy said so */
  host: string | undefined
}

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value.join(',') : value)

/** What a request's socket address and headers say about the client, believing only trusted proxies. */
export function forwardedFor(socketAddress: string, headers: Record<string, string | string[] | undefined>, proxies: TrustedProxies): Forwarded {
  const peer = bare(socketAddress)
  if (!proxies.trusts(peer)) return {clientAddress: peer, proto: undefined, host: undefined}
  // walk X-Forwarded-For from the right: each trusted hop vouches for the one before it
  const hops = (first(headers['x-forwarded-for']) ?? '').split(',').map((h) => bare(h.trim())).filter(Boolean)
  let client = peer
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i] as string
    if (!isIP(hop)) break
    client = hop
    if (!proxies.trusts(hop)) break
  }
  const protoHeader = first(headers['x-forwarded-proto'])?.split(',')[0]?.trim().toLowerCase()
  const hostHeader = first(headers['x-forwarded-host'])?.split(',')[0]?.trim()
  return {
    clientAddress: client,
    proto: protoHeader === 'https' || protoHeader === 'http' ? protoHeader : undefined,
    host: hostHeader || undefined,
  }
}
