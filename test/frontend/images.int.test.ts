import https from 'node:https'

import type {SanityClient} from '@sanity/client'
import {createImageUrlBuilder} from '@sanity/image-url'
import sharp from 'sharp'
import {afterAll, beforeAll, describe, expect, test} from 'vitest'

import {startTestServer, type TestServer} from '../server/helpers'

/**
 * Sanity's image API on the server's image URLs, through @sanity/image-url's builder: each
 * parameter gives an image of the size and format asked for, decoded with sharp to check.
 */

let t: TestServer
let client: SanityClient
let photoId: string
let alphaId: string

interface Binary {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: Buffer
}

function get(url: string, headers: Record<string, string> = {}): Promise<Binary> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, {headers, ca: t.server.tls.ca}, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => resolve({status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks)}))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end()
  })
}

const builder = () => createImageUrlBuilder({projectId: 'local', dataset: 'test', baseUrl: t.server.url})
const photo = () => builder().image(photoId)

async function decoded(url: string, headers: Record<string, string> = {}) {
  const res = await get(url, headers)
  expect(res.status, `${url}: ${res.body.toString('utf8').slice(0, 200)}`).toBe(200)
  const meta = await sharp(res.body).metadata()
  return {res, meta}
}

beforeAll(async () => {
  t = await startTestServer()
  t.server.store.create('test')
  client = t.client()
  // 1200x800: red on the left half, blue on the right, so flips and crops show
  const left = await sharp({create: {width: 600, height: 800, channels: 3, background: '#ff0000'}}).png().toBuffer()
  const jpeg = await sharp({create: {width: 1200, height: 800, channels: 3, background: '#0000ff'}})
    .composite([{input: left, left: 0, top: 0}])
    .jpeg({quality: 90})
    .toBuffer()
  photoId = (await client.assets.upload('image', jpeg, {filename: 'halves.jpg'}))._id
  const png = await sharp({create: {width: 64, height: 32, channels: 4, background: {r: 0, g: 150, b: 57, alpha: 0.5}}}).png().toBuffer()
  alphaId = (await client.assets.upload('image', png, {filename: 'half-clear.png'}))._id
}, 60_000)

afterAll(async () => {
  await t.close()
})

type Build = (b: ReturnType<typeof photo>) => ReturnType<typeof photo>

const SIZES: {name: string; build: Build; width: number; height: number; format?: string}[] = [
  {name: 'w', build: (b) => b.width(200), width: 200, height: 133},
  {name: 'h', build: (b) => b.height(100), width: 150, height: 100},
  {name: 'w and h (the builder cuts a rect of that aspect)', build: (b) => b.width(300).height(300), width: 300, height: 300},
  {name: 'fit=clip may scale up', build: (b) => b.width(2400).fit('clip'), width: 2400, height: 1600},
  {name: 'fit=crop fills the box', build: (b) => b.width(300).height(300).fit('crop'), width: 300, height: 300},
  {name: 'fit=fill pads to the box', build: (b) => b.width(300).height(300).fit('fill'), width: 300, height: 300},
  {name: 'fit=fillmax pads without scaling up', build: (b) => b.width(1600).height(1600).fit('fillmax'), width: 1600, height: 1600},
  {name: 'fit=max never scales up', build: (b) => b.width(2400).fit('max'), width: 1200, height: 800},
  {name: 'fit=scale distorts to the box', build: (b) => b.width(300).height(100).fit('scale'), width: 300, height: 100},
  {name: 'fit=min crops to the aspect without scaling up', build: (b) => b.width(2400).height(1200).fit('min'), width: 1200, height: 600},
  {name: 'max-w', build: (b) => b.maxWidth(500), width: 500, height: 333},
  {name: 'max-h', build: (b) => b.maxHeight(400), width: 600, height: 400},
  {name: 'min-w', build: (b) => b.minWidth(1500), width: 1500, height: 1000},
  {name: 'min-h', build: (b) => b.minHeight(1000), width: 1500, height: 1000},
  {name: 'dpr', build: (b) => b.width(100).dpr(2), width: 200, height: 133},
  {name: 'crop=focalpoint with fp-x/fp-y', build: (b) => b.width(300).height(300).fit('crop').crop('focalpoint').focalPoint(0.1, 0.5), width: 300, height: 300},
  {name: 'crop=top,left', build: (b) => b.width(300).height(300).fit('crop').crop('top'), width: 300, height: 300},
  {name: 'crop=entropy', build: (b) => b.width(300).height(300).fit('crop').crop('entropy'), width: 300, height: 300},
  {name: 'rect', build: (b) => b.rect(100, 100, 400, 200), width: 400, height: 200},
  {name: 'or=90 turns it', build: (b) => b.orientation(90).width(400), width: 400, height: 600},
  {name: 'rect, then or=90, then w', build: (b) => b.rect(100, 100, 400, 200).orientation(90).width(100), width: 100, height: 200},
  {name: 'fit=fillmax scales down, then pads', build: (b) => b.width(600).height(600).fit('fillmax').ignoreImageParams(), width: 600, height: 600},
  {name: 'pad', build: (b) => b.width(100).pad(10), width: 120, height: 87},
  {name: 'fm=webp', build: (b) => b.width(100).format('webp'), width: 100, height: 67, format: 'webp'},
  {name: 'fm=png', build: (b) => b.width(100).format('png'), width: 100, height: 67, format: 'png'},
  {name: 'fm=jpg', build: (b) => b.width(100).format('jpg'), width: 100, height: 67, format: 'jpeg'},
  {name: 'fm=pjpg', build: (b) => b.width(100).format('pjpg'), width: 100, height: 67, format: 'jpeg'},
  {name: 'fm=avif', build: (b) => b.width(100).format('avif' as never), width: 100, height: 67, format: 'heif'},
  {name: 'q', build: (b) => b.width(100).quality(20), width: 100, height: 67, format: 'jpeg'},
  {name: 'blur', build: (b) => b.width(100).blur(50), width: 100, height: 67},
  {name: 'sharp', build: (b) => b.width(100).sharpen(60), width: 100, height: 67},
  {name: 'invert and sat', build: (b) => b.width(100).invert(true).saturation(-100), width: 100, height: 67},
]

describe('the image API through @sanity/image-url', () => {
  for (const example of SIZES) {
    test(example.name, async () => {
      const url = example.build(photo()).url()
      const {meta} = await decoded(url)
      expect([meta.width, meta.height]).toEqual([example.width, example.height])
      expect(meta.format).toBe(example.format ?? 'jpeg')
    })
  }

  test('the crop and hotspot the Studio stores become rect and a focal point', async () => {
    const image = {_type: 'image', asset: {_ref: photoId, _type: 'reference'}, crop: {top: 0.1, bottom: 0.1, left: 0.5, right: 0}, hotspot: {x: 0.75, y: 0.5, width: 0.2, height: 0.2}}
    const url = builder().image(image).width(200).height(200).url()
    expect(url).toContain('rect=600,100,600,600')
    const {res, meta} = await decoded(url)
    expect([meta.width, meta.height]).toEqual([200, 200])
    // the crop kept only the blue right half
    const {data} = await sharp(res.body).raw().toBuffer({resolveWithObject: true})
    expect(data[2]).toBeGreaterThan(200)
    expect(data[0]).toBeLessThan(60)
  })

  test('flip=h mirrors the image and bg colours fit=fill padding', async () => {
    const flipped = await get(photo().width(120).flipHorizontal().format('png').url())
    const pixel = await sharp(flipped.body).extract({left: 0, top: 0, width: 1, height: 1}).raw().toBuffer()
    expect(pixel[2]).toBeGreaterThan(200)
    expect(pixel[0]).toBeLessThan(60)
    // without a rect (the builder cuts one to the box's aspect), fit=fill pads with bg
    const filled = await get(`${photo().url()}?w=300&h=300&fit=fill&bg=00ff00&fm=png`)
    const corner = await sharp(filled.body).extract({left: 0, top: 0, width: 1, height: 1}).raw().toBuffer()
    expect(corner[1]).toBeGreaterThan(200)
    expect(corner[0]).toBeLessThan(50)
  })

  test('w and h with fit=clip (the default) keep the aspect inside the box', async () => {
    const {meta} = await decoded(`${photo().url()}?w=300&h=300`)
    expect([meta.width, meta.height]).toEqual([300, 200])
  })

  test('auto=format answers WebP to a client that accepts it, the source format to one that does not, and varies by Accept', async () => {
    const url = photo().width(100).auto('format').url()
    const modern = await decoded(url, {accept: 'image/avif,image/webp,*/*'})
    expect(modern.meta.format).toBe('webp')
    expect(String(modern.res.headers.vary)).toMatch(/Accept/)
    const old = await decoded(url, {accept: 'image/jpeg'})
    expect(old.meta.format).toBe('jpeg')
  })

  test('q lowers the bytes', async () => {
    const low = await get(photo().width(600).quality(10).url())
    const high = await get(photo().width(600).quality(95).url())
    expect(low.body.length).toBeLessThan(high.body.length)
  })

  test('dl makes it a download under the name given', async () => {
    const res = await get(photo().width(50).forceDownload('walk.jpg').url())
    expect(res.headers['content-disposition']).toBe('attachment; filename="walk.jpg"')
  })

  test('a variant has a strong ETag and immutable caching, is answered 304 to If-None-Match, and keeps the safety headers', async () => {
    const url = photo().width(321).url()
    const first = await get(url)
    const second = await get(url)
    expect(first.headers.etag).toMatch(/^"[0-9a-f]+"$/)
    expect(second.headers.etag).toBe(first.headers.etag)
    expect(second.body.equals(first.body)).toBe(true)
    expect(first.headers['cache-control']).toBe('public, max-age=31536000, immutable')
    expect(first.headers['x-content-type-options']).toBe('nosniff')
    expect(first.headers['content-security-policy']).toBe("default-src 'none'; sandbox")
    const again = await get(url, {'if-none-match': String(first.headers.etag)})
    expect(again.status).toBe(304)
  })

  test('requests past the bounds are 400 with a reason', async () => {
    const base = photo().url()
    for (const query of ['w=9000', 'w=8000&h=8000&fit=scale', 'fit=squash', 'fm=bmp', 'rect=1,2,3', 'q=101', 'or=45', 'dpr=9', 'bg=nothex', 'crop=middle']) {
      const res = await get(`${base}?${query}`)
      expect(res.status, query).toBe(400)
      expect((JSON.parse(res.body.toString('utf8')) as {error: {description: string}}).error.description).toMatch(/image|Image/)
    }
  })
})

describe('upload metadata, as Sanity gives it', () => {
  test('dimensions, lqip, palette, blurHash, hasAlpha and isOpaque', async () => {
    const asset = await client.getDocument(photoId)
    const metadata = asset?.metadata as Record<string, unknown> & {palette: Record<string, {background: string; foreground: string; population: number}>}
    expect(metadata.dimensions).toMatchObject({width: 1200, height: 800, aspectRatio: 1.5})
    expect(metadata.lqip).toMatch(/^data:image\/jpeg;base64,/)
    const lqip = await sharp(Buffer.from(String(metadata.lqip).split(',')[1]!, 'base64')).metadata()
    expect([lqip.width, lqip.height]).toEqual([20, 13])
    expect(metadata.blurHash).toMatch(/^[0-9A-Za-z#$%*+,\-.:;=?@[\]^_{|}~]{6,}$/)
    expect(metadata.hasAlpha).toBe(false)
    expect(metadata.isOpaque).toBe(true)
    expect(metadata.palette.dominant!.background).toMatch(/^#[0-9a-f]{6}$/)
    expect(metadata.palette.dominant!.population).toBeGreaterThan(0.4)
    expect(metadata.palette.vibrant).toBeDefined()

    const clear = await client.getDocument(alphaId)
    expect(clear?.metadata).toMatchObject({hasAlpha: true, isOpaque: false})
  })
})
