import {mkdtempSync, rmSync} from 'node:fs'
import https from 'node:https'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {createClient, requester as baseRequester} from '@sanity/client'
import sharp from 'sharp'

import {startServer} from '../server/node-server'

/**
 * `npm run bench` (images): the image API on the real server over HTTPS. Prints the first
 * transform of a 12-megapixel JPEG (goal: under 500 ms) beside sharp doing the same in-process,
 * and a cached variant's p50 (goal: under 5 ms) beside the original file served as stored.
 * Figures only: timing depends on the machine.
 */

const dir = mkdtempSync(join(tmpdir(), 'ahp-bench-images-'))
const server = await startServer({port: 0, host: '127.0.0.1', dataDir: dir, projectId: 'local', schedulerIntervalMs: 0, requestsPerSecond: 0, mutationsPerSecond: 0, logLevel: 'warn'})
const ca = server.tls.ca
const agent = new https.Agent({ca, keepAlive: true})

function get(url: string): Promise<{status: number; bytes: number}> {
  return new Promise((resolve, reject) => {
    https
      .get(url, {agent}, (res) => {
        let bytes = 0
        res.on('data', (chunk: Buffer) => (bytes += chunk.length))
        res.on('end', () => resolve({status: res.statusCode ?? 0, bytes}))
        res.on('error', reject)
      })
      .on('error', reject)
  })
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const start = performance.now()
  await run()
  return performance.now() - start
}

const p50 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
const ms = (value: number) => `${value.toFixed(1)} ms`

try {
  server.store.create('bench')
  const requester = baseRequester.clone().use({finalizeOptions: <T extends object>(options: T): T => ({...options, ca})})
  const client = createClient({projectId: 'local', dataset: 'bench', apiHost: server.url, useProjectHostname: false, apiVersion: '2025-02-19', useCdn: false, token: server.tokens.getAdminToken(), requester})
  // a 4000x3000 photo-like JPEG: noise compresses like a photograph, a flat colour would not
  const photo = await sharp({create: {width: 4000, height: 3000, channels: 3, background: '#5a7d9a', noise: {type: 'gaussian', mean: 120, sigma: 40}}}).jpeg({quality: 85}).toBuffer()
  const uploadMs = await timed(() => client.assets.upload('image', photo, {filename: 'photo.jpg'}))
  const asset = await client.assets.upload('image', photo, {filename: 'photo.jpg'})
  const url = new URL(asset.url).pathname
  const base = `${server.url}${url}`
  console.log(`images: 12 MP JPEG, ${(photo.length / 1e6).toFixed(1)} MB; upload with metadata (lqip, palette, blurHash) ${ms(uploadMs)}`)

  const firsts: [string, string][] = [
    ['w=800', 'w=800'],
    ['w=1200&fm=webp', 'w=1200 as WebP'],
    ['w=600&h=600&fit=crop&crop=focalpoint&fp-x=0.3&fp-y=0.4', '600x600 crop at a focal point'],
    ['rect=1000,500,2000,1500&w=1000&fm=avif', 'rect then w=1000 as AVIF'],
  ]
  await sharp(photo).resize(800).jpeg({quality: 75}).toBuffer()
  const inProcess = await timed(() => sharp(photo).resize(800).jpeg({quality: 75}).toBuffer())
  console.log(`  sharp in-process, resize to 800 wide (baseline): ${ms(inProcess)}`)
  for (const [query, label] of firsts) {
    let status = 0
    const took = await timed(async () => (status = (await get(`${base}?${query}`)).status))
    console.log(`  first transform, ${label}: ${ms(took)} (${(took / inProcess).toFixed(2)}x baseline; goal under 500 ms) [${status}]`)
  }

  const original: number[] = []
  const cached: number[] = []
  for (let i = 0; i < 60; i++) cached.push(await timed(() => get(`${base}?w=800`)))
  for (let i = 0; i < 60; i++) original.push(await timed(() => get(`${base}?dl=`)))
  const originalP50 = p50(original.slice(10))
  const cachedP50 = p50(cached.slice(10))
  console.log(`  original file as stored (6 MB), p50 (baseline): ${ms(originalP50)}`)
  console.log(`  load average ${(await import('node:os')).loadavg()[0]!.toFixed(1)} on ${(await import('node:os')).availableParallelism()} cores while measuring`)
  console.log(`  cached variant w=800, p50: ${ms(cachedP50)} (${(cachedP50 / originalP50).toFixed(2)}x baseline; goal under 5 ms)`)
} finally {
  agent.destroy()
  await server.close()
  rmSync(dir, {recursive: true, force: true})
}
